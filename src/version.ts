import { createRequire } from "node:module";

/**
 * Pandu's version from package.json. The relative path holds from src/ (tsx) and from dist/ (the
 * production build) alike: both sit one level below the project root.
 */
export const VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string })
  .version;
