#!/usr/bin/env node
// Builds the front end that the Go package in this directory serves:
//
//   src/loader.ts               -> dist/embed.js            (the loader, stable name)
//   src/widgets/<type>/index.ts -> dist/<type>.<hash8>.js   (one bundle per widget type)
//   src/triggers/index.ts       -> dist/triggers.<hash8>.js (the trigger engine, lazy)
//   dist/manifest.json          {"loader":"embed.js","widgets":{"<type>":"<type>.<hash8>.js"}}
//
// The trigger engine is listed in the manifest as if it were a widget type
// ("triggers"; no widget module has that type), so it is served, cached and
// held to the bundle budget like one; its hashed name is compiled into the
// loader (the constant ENGINE), which loads it only for a site with a widget
// that has a trigger block (docs/TRIGGERS.md).
//
// <hash8> is the first 8 hex digits of the SHA-256 of the bundle, so a bundle's
// name changes whenever its content does and the server can cache it forever.
// Hashed files in dist/ that the manifest no longer names are deleted.
//
//   node build.mjs           build into dist/
//   node build.mjs --check   build into a temporary directory and fail, listing
//                            the files, when the committed dist/ differs
//
// The output is deterministic for a given esbuild version (pinned exactly in
// package.json), which is what makes --check meaningful.

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const widgetsDir = join(here, 'src', 'widgets');

// A widget type is a directory name under src/widgets that has an index.ts;
// other directories (say, src/widgets/_shared) are left for imports.
const TYPE = /^[a-z][a-z0-9_]*$/;
const HASHED = /^[a-z][a-z0-9_]*\.[0-9a-f]{8}\.js$/;

const options = {
  absWorkingDir: here,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2018',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  charset: 'utf8',
  write: false,
  logLevel: 'warning',
};

/** Bundles one entry point and returns its bytes; define: esbuild's constants. */
async function bundle(entry, define = {}) {
  const result = await build({ ...options, define, entryPoints: [entry] });
  return Buffer.from(result.outputFiles[0].contents);
}

async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (err.code === 'ENOENT') return false;
    throw err;
  }
}

async function list(dir) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
}

async function widgetTypes() {
  const types = [];
  for (const entry of await list(widgetsDir)) {
    if (entry.isDirectory() && TYPE.test(entry.name) && (await exists(join(widgetsDir, entry.name, 'index.ts')))) {
      types.push(entry.name);
    }
  }
  return types.sort();
}

/** Builds everything into memory: Map of file name -> bytes, manifest included. */
async function buildAll() {
  const types = await widgetTypes();
  const entries = [...types.map((type) => [type, `src/widgets/${type}/index.ts`]), ['triggers', 'src/triggers/index.ts']];
  const bundles = await Promise.all(entries.map(([, entry]) => bundle(entry)));
  const widgets = {};
  const files = new Map();
  entries.forEach(([type], i) => {
    const hash = createHash('sha256').update(bundles[i]).digest('hex').slice(0, 8);
    const name = `${type}.${hash}.js`;
    widgets[type] = name;
    files.set(name, bundles[i]);
  });
  files.set('embed.js', await bundle('src/loader.ts', { ENGINE: JSON.stringify(widgets.triggers) }));
  const manifest = JSON.stringify({ loader: 'embed.js', widgets }, null, 2) + '\n';
  files.set('manifest.json', Buffer.from(manifest));
  return files;
}

/** Writes files into dir and deletes hashed bundles the manifest no longer names. */
async function writeInto(dir, files) {
  await mkdir(dir, { recursive: true });
  for (const [name, data] of files) {
    await writeFile(join(dir, name), data);
  }
  for (const entry of await list(dir)) {
    if (entry.isFile() && HASHED.test(entry.name) && !files.has(entry.name)) {
      await rm(join(dir, entry.name));
    }
  }
}

/** Lists how dir differs from files (missing, extra or different files). */
async function diff(dir, files) {
  const problems = [];
  const present = new Set((await list(dir)).map((e) => e.name));
  for (const [name, data] of files) {
    if (!present.has(name)) problems.push(`missing:   dist/${name}`);
    else if (!data.equals(await readFile(join(dir, name)))) problems.push(`different: dist/${name}`);
  }
  for (const name of [...present].sort()) {
    if (!files.has(name)) problems.push(`extra:     dist/${name}`);
  }
  return problems;
}

async function main() {
  const check = process.argv.includes('--check');
  const files = await buildAll();
  if (!check) {
    await writeInto(dist, files);
    const sizes = [...files].map(([name, data]) => `  dist/${name}  ${data.length} B`).join('\n');
    console.log(`built:\n${sizes}`);
    return;
  }
  const tmp = await mkdtemp(join(tmpdir(), 'beckon-embed-'));
  try {
    await writeInto(tmp, files);
    const built = new Map();
    for (const name of files.keys()) built.set(name, await readFile(join(tmp, name)));
    const problems = await diff(dist, built);
    if (problems.length > 0) {
      console.error(
        'embed/dist does not match what embed/src builds to; run `npm run build --prefix embed` and commit dist/:\n' +
          problems.map((p) => '  ' + p).join('\n'),
      );
      process.exitCode = 1;
      return;
    }
    console.log('embed/dist matches embed/src');
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
