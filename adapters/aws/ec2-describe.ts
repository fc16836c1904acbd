/**
 * EC2 DescribeInstances as one logical call: every page of one filtered query,
 * flattened out of their reservations. Shared by both fleet adapters.
 */
import { type EC2Client, type Filter, type Instance, paginateDescribeInstances } from '@aws-sdk/client-ec2';
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
  return callAws({ system: 'ec2', operation: 'DescribeInstances' }, async () => {
    const instances: Instance[] = [];
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize }, { Filters: filters })) {
      for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
    }
    return instances;
  });
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
