import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { pippenger, interleavedMSMUnsafe } from '@noble/curves/abstract/curve.js';
const P = ristretto255.Point; const n = P.Fn.ORDER;
const gens = Array.from({length: 300}, (_, i) => ristretto255_hasher.hashToCurve(new TextEncoder().encode('g'+i), {DST:'x'}));
const sc = gens.map((_, i) => (BigInt(i) * 0x1234567890abcdef1234567890abcdefn * 977n) % n);
for (const L of [1, 20, 150, 300]) {
  let t = performance.now(); let r; for (let k=0;k<5;k++) r = pippenger(P, gens.slice(0,L), sc.slice(0,L)); console.log('pip', L, ((performance.now()-t)/5).toFixed(2));
  const m = interleavedMSMUnsafe(P, gens.slice(0,L), 4);
  t = performance.now(); for (let k=0;k<5;k++) m(sc.slice(0,L)); console.log('ilv', L, ((performance.now()-t)/5).toFixed(2));
}
let t = performance.now(); for (let k=0;k<50;k++) gens[1].multiply(sc[7]); console.log('mul', ((performance.now()-t)/50).toFixed(3));
t = performance.now(); for (let k=0;k<50;k++) gens[1].multiplyUnsafe(sc[7]); console.log('mulU', ((performance.now()-t)/50).toFixed(3));
t = performance.now(); for (let k=0;k<50;k++) P.BASE.multiply(sc[7]); console.log('mulB', ((performance.now()-t)/50).toFixed(3));
t = performance.now(); for (let k=0;k<50;k++) gens[k].toBytes(); console.log('toBytes', ((performance.now()-t)/50).toFixed(3));
t = performance.now(); const b = gens[3].toBytes(); for (let k=0;k<50;k++) P.fromBytes(b); console.log('fromBytes', ((performance.now()-t)/50).toFixed(3));
t = performance.now(); for (let k=0;k<50;k++) ristretto255_hasher.hashToCurve(new TextEncoder().encode('q'+k)); console.log('h2c', ((performance.now()-t)/50).toFixed(3));
console.log(Object.keys(P.Fn));
