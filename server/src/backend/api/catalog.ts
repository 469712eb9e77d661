// The catalog — GET /policy-pack-catalog.
import type { SCHEMA_VERSIONS } from './schemaVersions';
import type { PolicySummary } from './vocabulary';

export interface PolicyPackCatalogItem {
  id: unknown;
  title: unknown;
  description: unknown;
  version: unknown;
  summary: PolicySummary;
}

export interface PolicyPackCatalog {
  schema_version: typeof SCHEMA_VERSIONS.catalog;
  product: 'CAVRA';
  total: number;
  items: PolicyPackCatalogItem[];
}
