// Preact with htm: components written as tagged HTML templates, no build step.
import { h, render, Fragment } from "preact";
import htm from "htm";

export const html = htm.bind(h);
export { h, render, Fragment };
export { useState, useEffect, useMemo, useRef, useCallback, useContext, useReducer } from "preact/hooks";
