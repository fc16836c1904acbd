/**
 * EC2 DescribeInstances as one logical call: every page of one filtered query,
 * flattened out of their reservations. Shared by both fleet adapters.
 */
import { type EC2Client, type Filter, type Instance, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { AnswerReader } from './answer-shape';
import { callAws } from './errors';

/** EC2's largest page; fewer round trips for big fleets. */
export const EC2_MAX_PAGE_SIZE = 1000;

/**
 * Filters rather than `InstanceIds`: an id EC2 does not know yet (eventual
 * consistency right after OpsWorks creates it) fails the whole call with
 * InvalidInstanceID.NotFound, while a filter just leaves it out. Filters also
 * allow `MaxResults`, which EC2 refuses together with `InstanceIds`.
 */
export async function describeEc2Instances(
  ec2: EC2Client,
  filters: Filter[],
  pageSize: number = EC2_MAX_PAGE_SIZE,
): Promise<Instance[]> {
  const read = new AnswerReader('ec2', 'DescribeInstances');
  return callAws({ system: 'ec2', operation: 'DescribeInstances' }, async () => {
    const instances: Instance[] = [];
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize }, { Filters: filters })) {
      // EC2 always sends a reservationSet (empty when nothing matches): without one it is not EC2's answer.
      read.list(page.Reservations, 'reservationSet').forEach((reservation, r) => {
        const items = read.optionalList(read.record(reservation, `reservationSet[${r}]`).Instances, `reservationSet[${r}].instancesSet`);
        items.forEach((instance, i) => instances.push(checkInstance(read, instance, `reservationSet[${r}].instancesSet[${i}]`)));
      });
    }
    return instances;
  });
}

/** The fields the fleet adapters read, type-checked. */
function checkInstance(read: AnswerReader, value: unknown, field: string): Instance {
  const i = read.record(value, field);
  read.optionalText(i.InstanceId, field, 'instanceId');
  read.optionalText(i.InstanceType, field, 'instanceType');
  read.optionalText(i.PrivateDnsName, field, 'privateDnsName');
  read.optionalText(i.PublicDnsName, field, 'dnsName');
  read.optionalText(i.PrivateIpAddress, field, 'privateIpAddress');
  read.optionalText(i.PublicIpAddress, field, 'ipAddress');
  read.optionalDate(i.LaunchTime, field, 'launchTime');
  if (i.State !== undefined) read.optionalText(read.record(i.State, field, 'instanceState').Name, field, 'instanceState.name');
  read.optionalList(i.Tags, field, 'tagSet').forEach((tag, t) => {
    const { Key, Value } = read.record(tag, field, `tagSet[${t}]`);
    read.optionalText(Key, field, `tagSet[${t}].key`);
    read.optionalText(Value, field, `tagSet[${t}].value`);
  });
  return i as Instance;
}

export function tagsOf(instance: Instance): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of instance.Tags ?? []) {
    if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  }
  return tags;
}

/** EC2 answers '' for the DNS name of a stopped instance; the domain uses "absent". */
export function nonEmpty(value: string | undefined): string | undefined {
  return value ? value : undefined;
}
