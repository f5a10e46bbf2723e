// The built package the several-processes bench and its workers load: dist/, or the directory
// in AURA_PROVISIONER_DIST (the pg-boss tests build one from src/).
import { fileURLToPath, pathToFileURL } from 'node:url';

export const distDir =
  process.env.AURA_PROVISIONER_DIST ?? fileURLToPath(new URL('../dist/', import.meta.url));
const dist = `${pathToFileURL(distDir.replace(/\/+$/, '')).href}/`;

/** Imports one entry of the built package: `importDist('pg-boss.js')`. */
export const importDist = (file) => import(new URL(file, dist).href);
