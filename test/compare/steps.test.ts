// Each baseline's core step against a small hand-computed case, the model encodings, the cut vertex and the
// recovery metric.
import { describe, expect, it } from 'vitest';
import { fedAvgAggregate, selected, starHood } from '../../src/compare/fedavg';
import { gossipMerge } from '../../src/compare/gossipLearning';
import { dpsgdMix } from '../../src/compare/dpsgd';
import { cutVertex, decodeModel, encodeModel, MODEL_DIM } from '../../src/compare/harness';
import { recoveryTimes, segments, smooth, drift } from '../../src/compare/metrics';
import { fragmentCount } from '../../src/core/net/fragment';

const row = (...v: number[]) => Int32Array.from({ length: MODEL_DIM }, (_, k) => v[k] ?? 0);

describe('baseline steps, by hand', () => {
  it('FedAvg: the server takes the n_k-weighted mean of the uploads, and keeps w_t with none', () => {
    const models = new Int32Array([...row(65536, 100, -40), ...row(0, 300, 40)]);
    // (1·65536 + 3·0)/4 = 16384; (100 + 900)/4 = 250; (−40 + 120)/4 = 20
    expect(Array.from(fedAvgAggregate(models, [1, 3], 2)!.subarray(0, 3))).toEqual([16384, 250, 20]);
    expect(fedAvgAggregate(models, [0, 0], 2)).toBeNull();
    expect(fedAvgAggregate(models, [], 0)).toBeNull();
  });

  it('FedAvg: about C of the clients are selected each round, by a public hash', () => {
    let picked = 0;
    for (let round = 0; round < 100; round++) for (let eid = 1; eid <= 100; eid++) picked += selected(7, eid, round, 0.1) ? 1 : 0;
    expect(picked).toBeGreaterThan(900);
    expect(picked).toBeLessThan(1100);
    expect(selected(7, 3, 4, 0.1)).toBe(selected(7, 3, 4, 0.1));
  });

  it('FedAvg: the star puts every node one hop from the gateway and nowhere else', () => {
    const h = starHood(3);
    expect(Array.from(h.offsets)).toEqual([0, 1, 2, 3, 6]);
    expect(Array.from(h.neighbours)).toEqual([3, 3, 3, 0, 1, 2]);
  });

  it('gossip learning: merge is the coordinate-wise mean of the received and the last received model', () => {
    expect(Array.from(gossipMerge(row(10, -3, 7), row(20, 0, 0)).subarray(0, 3))).toEqual([15, -2, 3]);
  });

  it('D-PSGD: Σ W_ij x_j with W_ii = 1 − Σ W_ij, plus the local steps taken since sending', () => {
    const own = row(100, 40);
    const heard = new Int32Array([...row(200, 0), ...row(0, 80)]);
    const local = row(110, 40); // +10 of local NLMS on the first coordinate since the send
    // W = 1/4 each: 0.5·100 + 0.25·200 + 0.25·0 + 10 = 110; 0.5·40 + 0 + 0.25·80 + 0 = 40
    expect(Array.from(dpsgdMix(own, heard, [0.25, 0.25], 2, local).subarray(0, 2))).toEqual([110, 40]);
    // A lost neighbour's weight goes back to the node: W_ii = 0.75 → 75 + 50 + 10
    expect(dpsgdMix(own, heard, [0.25], 1, local)[0]).toBe(135);
  });
});

describe('model wire formats', () => {
  it("float32 rows are 36 bytes and the gene 32, both lossless for the predictor's Q16 values", () => {
    const m = row(8 * 65536, -8 * 65536, 12345, -1, 0, 1, 65535, -65536, 64 * 65536 - 1);
    for (const enc of ['f32', 'gene'] as const) {
      const bytes = encodeModel(enc, m);
      expect(bytes.length).toBe(enc === 'f32' ? 36 : 32);
      const back = new Int32Array(MODEL_DIM);
      expect(decodeModel(enc, bytes, back)).toBe(true);
      expect(Array.from(back)).toEqual(Array.from(m));
    }
    // At MTU 51 a FedAvg upload (9 + 1 + model) is two frames as float32 and one as a gene.
    expect(fragmentCount(9 + 1 + 36, 51)).toBe(2);
    expect(fragmentCount(9 + 1 + 32, 51)).toBe(1);
    const bad = encodeModel('gene', m);
    bad[5] ^= 1;
    expect(decodeModel('gene', bad, new Int32Array(MODEL_DIM))).toBe(false);
  });
});

describe('cut vertex and metrics', () => {
  it('finds the articulation point that separates the most nodes', () => {
    // The path 0-1-2-3-4-5: removing 1 cuts {0} off (1 node), removing 2 cuts {0, 1} (2 nodes; 3 ties with it, and
    // the first found is kept).
    const lists = [[1], [0, 2], [1, 3], [2, 4], [3, 5], [4]];
    const offsets = new Uint32Array(lists.length + 1);
    lists.forEach((l, i) => (offsets[i + 1] = offsets[i]! + l.length));
    const hood = { offsets, neighbours: Uint32Array.from(lists.flat()) };
    expect(cutVertex(hood)).toEqual({ eid: 3, separated: 2, isCut: true });
    // A ring has no cut vertex: the highest-degree (first) node is failed instead.
    const ring = [
      [1, 3],
      [0, 2],
      [1, 3],
      [0, 2],
    ];
    const ro = new Uint32Array([0, 2, 4, 6, 8]);
    expect(cutVertex({ offsets: ro, neighbours: Uint32Array.from(ring.flat()) })).toEqual({ eid: 1, separated: 0, isCut: false });
  });

  it('recovery: seconds from each segment start until the smoothed RMSE is within 10 % of the segment best', () => {
    const series = [...Array(60).fill(0)].map((_, s) => (s < 20 ? 1 - s * 0.04 : 0.2));
    const sm = smooth(series, 1);
    expect(sm[0]).toBeCloseTo(1);
    // Segment [0, 60): best 0.2, so the line is 0.22. Over the 5-s trailing window, second 22 holds
    // 0.28, 0.24, 0.2, 0.2, 0.2 (RMS 0.226) and second 23 holds 0.24, 0.2, 0.2, 0.2, 0.2 (RMS 0.209): 24 s.
    expect(recoveryTimes(series, 1000)).toEqual([24]);
    expect(segments(150, 63)).toEqual([
      [0, 63],
      [63, 126],
    ]); // the 24-s tail is too short to score
    expect(drift([1, 1], [1, 0])).toBeCloseTo(1);
  });
});
