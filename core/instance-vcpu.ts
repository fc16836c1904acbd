/**
 * vCPUs of an EC2 instance type, read from its name: Opencast's max load
 * defaults to the node's core count (`org.opencastproject.server.maxload`,
 * ServiceRegistryJpaImpl), so a worker whose host has not registered yet
 * (stopped, booting) is planned with its type's vCPUs. The size word gives it
 * for the compute, general and memory families: `large` 2, `xlarge` 4,
 * `Nxlarge` 4N (https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html),
 * with the few types whose count does not follow the rule listed.
 */
const IRREGULAR: Readonly<Record<string, number>> = { 'c4.8xlarge': 36, 'c5.9xlarge': 36, 'c5.18xlarge': 72, 'c5n.9xlarge': 36, 'c5n.18xlarge': 72 };
const SIZE: Readonly<Record<string, number>> = { nano: 2, micro: 2, small: 2, medium: 2, large: 2, xlarge: 4 };

/** The type's vCPUs, or undefined when its name says nothing (metal, an unknown form). */
export function vcpuOfType(instanceType: string | undefined): number | undefined {
  if (!instanceType) return undefined;
  const known = IRREGULAR[instanceType];
  if (known !== undefined) return known;
  const size = instanceType.split('.')[1] ?? '';
  const multiple = /^(\d+)xlarge$/.exec(size);
  if (multiple) return 4 * Number(multiple[1]);
  return SIZE[size];
}
