import type { Filter } from '../host-state.js';

const SCOPE = 'aggregate_instance_extra_specs';

/**
 * Nova's AggregateInstanceExtraSpecsFilter: each flavor extra spec scoped
 * `aggregate_instance_extra_specs:key` or unscoped must be one of the values the host's aggregates
 * give `key`. Specs in any other scope (`hw:`, `quota:`…) belong to other consumers and are skipped.
 */
export const aggregateInstanceExtraSpecsFilter: Filter = {
  name: 'AggregateInstanceExtraSpecsFilter',
  applies: (spec) => Object.keys(spec.flavor.extra_specs ?? {}).length > 0,
  passes(host, spec) {
    for (const [rawKey, wanted] of Object.entries(spec.flavor.extra_specs ?? {})) {
      const parts = rawKey.split(':');
      let key: string;
      if (parts.length === 1) key = rawKey;
      else if (parts[0] === SCOPE) key = parts.slice(1).join(':');
      else continue;
      const values = host.aggregateMetadata[key];
      if (!values || !values.includes(String(wanted).trim())) return false;
    }
    return true;
  },
};
