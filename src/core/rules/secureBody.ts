// The secure cure body (--secure): a gene that travels with its commitment, an opening that binds the plaintext
// gene to that commitment, and the transition proof(s) that link it to the sender's previous commitment.
//
// Layout v1 (integers little-endian; commitments are 9 coordinate commitments, 297 B; proofs 820 B):
//
//   [0]          version u8 (= 1)
//   [1]          kind u8: 1 = steps (a proven transition), 2 = anchor (a fresh commitment, no link)
//   [2..6)       position u32 of the new commitment in the sender's chain
//   [6]          k u8: transition steps (steps: 1..MAX_STEPS; anchor: 0)
//   [7..39)      gene, in the gene wire format v1 (src/core/gene/gene.ts)
//   [39..336)    C_new: commitment to the gene
//   [336..368)   ρ: batched opening of C_new to the gene (see below)
//   steps only:  C_prev (297) at position − k, proof_1, then (C_i, proof_{i+1}) for i = 1..k−1   (hidden
//                intermediate genes, so a move of up to k·(2^15 − 1) per coordinate is k bounded steps)
//
// Size: anchor 368 B; steps 1485 + (k − 1)·1117 B.
//
// The opening ρ: the receiver must know that C_new commits to *this* plaintext gene (the gene is public to
// the receiver anyway: it installs it). With ζ drawn from a transcript over (sender, position, gene, C_new),
// the sender reveals ρ = Σ ζ^j·r_j and the receiver checks Σ ζ^j·C_j − (Σ ζ^j·v_j)·B − ρ·H = 0. If C_new
// committed to v' ≠ v, that holds only when Σ ζ^j (v'_j − v_j) = 0 (probability ≤ 8/ℓ over ζ) or the sender
// knows a discrete-log relation between B and H. 32 bytes instead of revealing the 9 blinds (288 B).
import {
  CryptoDecodeError,
  Fn,
  GENE_COMMITMENT_BYTES,
  SCALAR_BYTES,
  TRANSITION_PROOF_BYTES,
  Transcript,
  decodePoints,
  decodeScalar,
  encodeScalar,
  generators,
  geneProofContext,
  modL,
  scalarFromInt,
  u32le,
  verifyGeneUpdate,
  variableMsm,
  verifyGeneUpdates,
  type Point as PointT,
} from '../crypto';
import { decodeGene, GENE_BYTES, GeneDecodeError, type Gene } from '../gene/gene';

export const SECURE_BODY_VERSION = 1;
export const KIND_STEPS = 1;
export const KIND_ANCHOR = 2;
/** Most bounded steps one body may carry (a move of up to 4 × 0.5 per coordinate); beyond it, an anchor. */
export const MAX_STEPS = 4;
const COORDS = 9;
const HEAD = 7;
const GENE_AT = HEAD;
const COMMIT_AT = GENE_AT + GENE_BYTES;
const RHO_AT = COMMIT_AT + GENE_COMMITMENT_BYTES;
export const ANCHOR_BODY_BYTES = RHO_AT + SCALAR_BYTES;
const STEP_BYTES = GENE_COMMITMENT_BYTES + TRANSITION_PROOF_BYTES;

/** Bytes of a steps body with k transitions. */
export function stepsBodyBytes(k: number): number {
  return ANCHOR_BODY_BYTES + k * STEP_BYTES;
}

export type SecureBodyReason = 'length' | 'version' | 'kind' | 'steps' | 'gene' | 'encoding';

/** The bytes are not a well-formed v1 secure body. The only error decodeSecureBody throws. */
export class SecureBodyError extends Error {
  override readonly name = 'SecureBodyError';
  constructor(
    readonly reason: SecureBodyReason,
    message: string,
  ) {
    super(message);
  }
}

export interface SecureBody {
  kind: typeof KIND_STEPS | typeof KIND_ANCHOR;
  position: number;
  geneBytes: Uint8Array;
  gene: Gene;
  commitment: Uint8Array;
  rho: bigint;
  /** Steps only: the commitment the chain continues from, the intermediate commitments, and one proof per step. */
  prev: Uint8Array | null;
  links: Uint8Array[];
  proofs: Uint8Array[];
}

/** Context of the transition that ends at chain `position` of `sender`: a replay for another node or
 *  position (or, through the transcript, another commitment pair) does not verify. */
export function cureProofContext(sender: number, position: number): Uint8Array {
  return geneProofContext(sender, position, 'QRES/sim-cure/v1');
}

function openingWeights(sender: number, position: number, geneBytes: Uint8Array, commitment: Uint8Array): bigint[] {
  const t = new Transcript('QRES/sim-cure-opening/v1');
  t.appendMessage('context', cureProofContext(sender, position));
  t.appendMessage('gene', geneBytes);
  t.appendMessage('C', commitment);
  const zeta = t.challengeScalar('zeta');
  const w: bigint[] = [];
  for (let j = 0, x = 1n; j < COORDS; j++, x = Fn.mul(x, zeta)) w.push(x);
  return w;
}

/** ρ = Σ ζ^j·r_j for the blinds of a commitment to the gene in `geneBytes`. */
export function openingScalar(sender: number, position: number, geneBytes: Uint8Array, commitment: Uint8Array, blinds: readonly bigint[]): bigint {
  const w = openingWeights(sender, position, geneBytes, commitment);
  return w.reduce((acc, wj, j) => Fn.add(acc, Fn.mul(wj, modL(blinds[j]!))), 0n);
}

function geneValues(gene: Gene): bigint[] {
  return [...Array.from(gene.weights), gene.bias].map(scalarFromInt);
}

/** True iff `commitment` commits to `body.gene` (the batched check above). Never throws on a decoded body. */
export function checkOpening(sender: number, body: SecureBody): boolean {
  let points: PointT[];
  try {
    points = decodePoints(body.commitment, COORDS);
  } catch (e) {
    if (e instanceof CryptoDecodeError) return false;
    throw e;
  }
  const w = openingWeights(sender, body.position, body.geneBytes, body.commitment);
  const values = geneValues(body.gene);
  const v = w.reduce((acc, wj, j) => Fn.add(acc, Fn.mul(wj, values[j]!)), 0n);
  const { B, H } = generators();
  return variableMsm([...points, B, H], [...w, Fn.neg(v), Fn.neg(body.rho)]).is0();
}

/**
 * Every transition proof of the chain, verified as one batch (k proofs cost about one verify plus k small MSMs);
 * `onProof` sees the time per proof (the batch's time / k) once per proof, for the report. Never throws.
 */
export function checkSteps(sender: number, body: SecureBody, onProof?: (ms: number) => void): boolean {
  if (body.kind !== KIND_STEPS || body.prev === null) return false;
  const k = body.proofs.length;
  const chain = [body.prev, ...body.links, body.commitment];
  const statements = body.proofs.map((proof, i) => ({
    commitOld: chain[i]!,
    commitNew: chain[i + 1]!,
    proof,
    context: cureProofContext(sender, body.position - k + i + 1),
  }));
  const started = performance.now(); // measured for the report only; decides nothing
  const ok = k === 1 ? verifyGeneUpdate(chain[0]!, chain[1]!, body.proofs[0]!, statements[0]!.context) : verifyGeneUpdates(statements);
  const perProof = (performance.now() - started) / k;
  for (let i = 0; i < k; i++) onProof?.(perProof);
  return ok;
}

export function encodeSecureBody(b: Omit<SecureBody, 'gene'>): Uint8Array {
  const k = b.proofs.length;
  const steps = b.kind === KIND_STEPS;
  if (steps ? k < 1 || k > MAX_STEPS || b.links.length !== k - 1 || b.prev === null : k !== 0) {
    throw new SecureBodyError('steps', `a ${steps ? 'steps' : 'anchor'} body cannot carry ${k} proofs`);
  }
  const out = new Uint8Array(steps ? stepsBodyBytes(k) : ANCHOR_BODY_BYTES);
  out[0] = SECURE_BODY_VERSION;
  out[1] = b.kind;
  out.set(u32le(b.position), 2);
  out[6] = k;
  out.set(b.geneBytes, GENE_AT);
  out.set(b.commitment, COMMIT_AT);
  out.set(encodeScalar(b.rho), RHO_AT);
  if (steps) {
    let at = ANCHOR_BODY_BYTES;
    out.set(b.prev!, at);
    at += GENE_COMMITMENT_BYTES;
    for (let i = 0; i < k; i++) {
      if (i > 0) {
        out.set(b.links[i - 1]!, at);
        at += GENE_COMMITMENT_BYTES;
      }
      out.set(b.proofs[i]!, at);
      at += TRANSITION_PROOF_BYTES;
    }
  }
  return out;
}

/** Parses a v1 body; throws SecureBodyError (and nothing else) on any malformed input. Points inside proofs are
 *  checked by the verifier, which treats a malformed one as a failed proof. */
export function decodeSecureBody(bytes: Uint8Array): SecureBody {
  if (!(bytes instanceof Uint8Array) || bytes.length < ANCHOR_BODY_BYTES) {
    throw new SecureBodyError('length', `secure body shorter than ${ANCHOR_BODY_BYTES} bytes`);
  }
  if (bytes[0] !== SECURE_BODY_VERSION) throw new SecureBodyError('version', `unknown secure body version ${bytes[0]}`);
  const kind = bytes[1]!;
  if (kind !== KIND_STEPS && kind !== KIND_ANCHOR) throw new SecureBodyError('kind', `unknown body kind ${kind}`);
  const position = (bytes[2]! | (bytes[3]! << 8) | (bytes[4]! << 16) | (bytes[5]! << 24)) >>> 0;
  const k = bytes[6]!;
  if (kind === KIND_STEPS ? k < 1 || k > MAX_STEPS || position < k : k !== 0) {
    throw new SecureBodyError('steps', `bad step count ${k} at position ${position}`);
  }
  const expected = kind === KIND_STEPS ? stepsBodyBytes(k) : ANCHOR_BODY_BYTES;
  if (bytes.length !== expected) throw new SecureBodyError('length', `body of kind ${kind} with ${k} steps is ${expected} bytes, got ${bytes.length}`);
  const geneBytes = bytes.slice(GENE_AT, COMMIT_AT);
  let gene: Gene;
  let rho: bigint;
  try {
    gene = decodeGene(geneBytes);
    rho = decodeScalar(bytes.subarray(RHO_AT, RHO_AT + SCALAR_BYTES));
  } catch (e) {
    if (e instanceof GeneDecodeError) throw new SecureBodyError('gene', e.message);
    if (e instanceof CryptoDecodeError) throw new SecureBodyError('encoding', e.message);
    throw e;
  }
  const body: SecureBody = {
    kind,
    position,
    geneBytes,
    gene,
    commitment: bytes.slice(COMMIT_AT, RHO_AT),
    rho,
    prev: null,
    links: [],
    proofs: [],
  };
  if (kind === KIND_STEPS) {
    let at = ANCHOR_BODY_BYTES;
    const take = (n: number) => bytes.slice(at, (at += n));
    body.prev = take(GENE_COMMITMENT_BYTES);
    for (let i = 0; i < k; i++) {
      if (i > 0) body.links.push(take(GENE_COMMITMENT_BYTES));
      body.proofs.push(take(TRANSITION_PROOF_BYTES));
    }
  }
  return body;
}
