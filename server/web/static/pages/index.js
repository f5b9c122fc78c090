// The workbench's pages: one module each, loaded when first opened. To add a page, write its
// module (a default-exported component taking {arg, params}) and add one line here.
export const PAGES = [
  { name: "overview", title: "Overview", nav: true, load: () => import("./overview.js") },
  { name: "gaps", title: "Gaps", nav: true, load: () => import("./gaps.js") },
  { name: "requirement", title: "Requirements", nav: true, load: () => import("./requirement.js") },
  { name: "evidence", title: "Evidence", nav: true, load: () => import("./evidence.js") },
  { name: "evidence-new", title: "New evidence", nav: false, load: () => import("./evidence-edit.js") },
  { name: "evidence-edit", title: "Edit evidence", nav: false, load: () => import("./evidence-edit.js") },
  { name: "systems", title: "AI systems", nav: true, load: () => import("./systems.js") },
  { name: "system-new", title: "New AI system", nav: false, load: () => import("./system-edit.js") },
  { name: "system-edit", title: "Edit AI system", nav: false, load: () => import("./system-edit.js") },
  { name: "soa", title: "SoA", nav: true, load: () => import("./soa.js") },
  { name: "aims", title: "AIMS records", nav: true, load: () => import("./aims.js") },
  { name: "applicable", title: "Applicable", nav: true, load: () => import("./applicable.js") },
];
