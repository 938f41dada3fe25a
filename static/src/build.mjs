// Builds static/build/: compiled CSS, govuk-frontend JS, fonts-free images and the manifest.
// Run by `make assets` after `npm ci`; the output is not committed.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { compile, NodePackageImporter } from "sass";

const out = "static/build";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const govuk = "node_modules/govuk-frontend/dist/govuk";
cpSync(`${govuk}/assets/images`, `${out}/images`, { recursive: true });
cpSync(`${govuk}/assets/manifest.json`, `${out}/manifest.json`);
cpSync(`${govuk}/govuk-frontend.min.js`, `${out}/govuk-frontend.min.js`);
cpSync("static/src/favicon.svg", `${out}/favicon.svg`);
const result = compile("static/src/app.scss", {
  importers: [new NodePackageImporter()],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/app.css`, result.css);
console.log(`assets built into ${out}/ (${result.css.length} bytes of CSS)`);
