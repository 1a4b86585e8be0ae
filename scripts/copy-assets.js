// After `tsc -p tsconfig.build.json`: copies the files the shop reads at run time (seed catalog and
// images, rich menu JSON and images, the LINE simulator's chat page) into dist/ at the same
// relative paths, so every `join(__dirname, …)` resolves inside the build exactly as in the source;
// then writes dist/server.js, the production start.
const { cpSync, existsSync, writeFileSync } = require('node:fs');
const { extname, join } = require('node:path');

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');
const SOURCES = ['src', 'db', 'richmenu'];
// Sources and design material stay behind: only data the running code opens is copied.
const SKIP = new Set(['.ts', '.md']);

let copied = 0;
for (const top of SOURCES) {
  const from = join(ROOT, top);
  if (!existsSync(from)) continue;
  cpSync(from, join(DIST, top), {
    recursive: true,
    filter: (source) => {
      if (source.includes(`${join('richmenu', 'design')}`)) return false;
      const ext = extname(source);
      if (ext === '') return true; // a folder
      if (SKIP.has(ext)) return false;
      copied += 1;
      return true;
    },
  });
}
console.log(`copy-assets: ${copied} files copied into dist/`);

// `node dist/server.js` is the production start (issue 17, README: Going live). tsc keeps the
// source layout (src/, db/ and richmenu/ are all compiled), so the server itself is
// dist/src/server.js; this entry only loads it, which starts it.
writeFileSync(
  join(DIST, 'server.js'),
  "'use strict';\n// Written by scripts/copy-assets.js (npm run build): the production entry point.\nrequire('./src/server.js');\n",
);
