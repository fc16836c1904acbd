/**
 * Instance type facts the model needs: cores (Opencast's max load defaults to
 * the core count) and on-demand prices. Figures from
 * /work/shared/reference/workload-anchors.md §2 and §6 (us-east-1 Linux;
 * re-check live prices before quoting costs).
 */

/** vCPU of the types the anchors name; others are derived from the size word. */
const KNOWN_VCPU: Record<string, number> = {
  'c4.8xlarge': 36,
  'c5.9xlarge': 36,
  'c6i.8xlarge': 32,
  'c5.xlarge': 4,
};

/** $/h on demand, us-east-1 Linux, from the anchors' table. */
export const ANCHOR_PRICES: Readonly<Record<string, number>> = {
  'c4.8xlarge': 1.591,
  'c5.9xlarge': 1.53,
  'c6i.8xlarge': 1.36,
};

const SIZE_VCPU: Record<string, number> = { nano: 2, micro: 2, small: 2, medium: 2, large: 2, xlarge: 4 };

/**
 * vCPU of an instance type: known table, else the size word (`large` 2,
 * `xlarge` 4, `Nxlarge` 4N), else 4. Close enough for c/m/r families.
 */
export function vcpuOf(instanceType: string): number {
  const known = KNOWN_VCPU[instanceType];
  if (known !== undefined) return known;
  const size = instanceType.split('.')[1] ?? '';
  const multiple = /^(\d+)xlarge$/.exec(size);
  if (multiple) return 4 * Number(multiple[1]);
  return SIZE_VCPU[size] ?? 4;
}
