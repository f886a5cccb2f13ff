import { createRequire } from 'node:module';
import path from 'node:path';
const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(require.resolve('nsfwjs')), '../..');
for (const m of ['mobilenet_v2','mobilenet_v2_mid']) {
  const j = require(`${root}/dist/models/${m}/model.min.js`);
  const jj = j.default ?? j;
  console.log(m, Object.keys(jj), jj.format, Object.keys(jj.modelTopology), JSON.stringify(jj.weightsManifest).slice(0,200), jj.signature && JSON.stringify(jj.signature).slice(0,400));
  const s = require(`${root}/dist/models/${m}/group1-shard1of${m==='mobilenet_v2'?1:2}.min.js`);
  console.log(typeof s, typeof (s.default ?? s), String(s.default ?? s).slice(0,50), String(s.default ?? s).length);
}
