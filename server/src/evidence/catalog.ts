/**
 * The control catalog and the evidence mapping, as data. Two frameworks are mapped from the same evidence types:
 * SOC 2 (2017 Trust Services Criteria, points of focus revised 2022) and ISO/IEC 27001:2022 Annex A. Titles and
 * descriptions are written here in Rampart's words, not copied from either standard. Code reads this table; adding
 * a framework or moving an evidence type between controls is a change to this file only.
 */

export interface CatalogControl { id: string; title: string; description: string }
export interface CatalogFramework { id: string; title: string; controls: CatalogControl[] }
export interface CatalogEvidenceType {
  type: string;
  title: string;
  /** What one row of this type is about and what makes it fail. */
  description: string;
  /** Controls this type supports, per framework id. */
  mappings: Record<string, string[]>;
}

export const FRAMEWORKS: CatalogFramework[] = [
  {
    id: 'soc2',
    title: 'SOC 2 (Trust Services Criteria)',
    controls: [
      { id: 'CC6.1', title: 'Logical access security', description: 'Access to information assets is restricted through logical access security software, infrastructure and architecture; privileged access is limited and keys and secrets are protected.' },
      { id: 'CC6.2', title: 'User registration and authorization', description: 'Users and identities are registered and authorized before access is granted, and access is removed when no longer needed.' },
      { id: 'CC6.3', title: 'Role-based access and least privilege', description: 'Access is granted, changed and removed based on roles and responsibilities, following least privilege and segregation of duties.' },
      { id: 'CC6.6', title: 'Protection against external threats', description: 'Logical access measures protect against threats from sources outside the system boundaries; the boundary and its exposed endpoints are known and inventoried.' },
      { id: 'CC6.7', title: 'Restricted transmission and movement of information', description: 'The transmission, movement and removal of information is restricted to authorized users and processes, within known locations.' },
      { id: 'CC7.1', title: 'Detection of configuration changes and vulnerabilities', description: 'Detection and monitoring procedures identify configuration changes that introduce vulnerabilities and susceptibilities to newly found ones.' },
    ],
  },
  {
    id: 'iso27001',
    title: 'ISO/IEC 27001:2022 Annex A',
    controls: [
      { id: 'A.5.9', title: 'Inventory of information and other associated assets', description: 'An inventory of assets, with owners, is developed and kept current.' },
      { id: 'A.5.15', title: 'Access control', description: 'Rules for physical and logical access are set and enforced from business and security requirements.' },
      { id: 'A.5.17', title: 'Authentication information', description: 'Secrets used to authenticate are allocated and managed under a controlled process, including their renewal.' },
      { id: 'A.5.18', title: 'Access rights', description: 'Access rights are provisioned, reviewed, changed and removed according to the access control rules.' },
      { id: 'A.8.2', title: 'Privileged access rights', description: 'The allocation and use of privileged access rights is restricted and managed.' },
      { id: 'A.8.8', title: 'Management of technical vulnerabilities', description: 'Information about technical vulnerabilities is obtained, exposure is evaluated and measures are taken.' },
      { id: 'A.8.20', title: 'Networks security', description: 'Networks and network devices are secured, managed and controlled to protect information in systems.' },
      { id: 'A.8.24', title: 'Use of cryptography', description: 'Rules for the effective use of cryptography, including key management and encryption in transit, are defined and applied.' },
    ],
  },
];

export const EVIDENCE_CATALOG: CatalogEvidenceType[] = [
  {
    type: 'role-assignment', title: 'RBAC role assignments',
    description: 'Who holds which role where. Fails for privileged roles at subscription scope, custom roles granting every action, and write roles held by groups of other tenants.',
    mappings: { soc2: ['CC6.1', 'CC6.2', 'CC6.3'], iso27001: ['A.5.15', 'A.5.18', 'A.8.2'] },
  },
  {
    type: 'custom-role', title: 'Custom role definitions',
    description: 'Permissions and assignable scopes of each custom role. Fails when a role grants every action or can change access (Microsoft.Authorization write).',
    mappings: { soc2: ['CC6.3'], iso27001: ['A.5.15', 'A.8.2'] },
  },
  {
    type: 'resource-group', title: 'Resource group inventory',
    description: 'Resource groups with location and tags: the system boundary and where data lives.',
    mappings: { soc2: ['CC6.6', 'CC6.7'], iso27001: ['A.5.9'] },
  },
  {
    type: 'secure-score', title: 'Defender for Cloud secure score',
    description: 'Overall secure score and each security control (current, max, percentage). The overall score fails below 70%, a control fails with unhealthy resources.',
    mappings: { soc2: ['CC7.1'], iso27001: ['A.8.8'] },
  },
  {
    type: 'storage-account', title: 'Storage account public access',
    description: 'Anonymous blob access, public network access and the network default action, minimum TLS, HTTPS-only and shared key access. A setting the API does not return is unknown.',
    mappings: { soc2: ['CC6.1', 'CC6.6'], iso27001: ['A.8.20', 'A.8.24', 'A.5.15'] },
  },
  {
    type: 'key-vault', title: 'Key Vault protection',
    description: 'Purge protection, soft delete, RBAC authorization and public network access of each vault.',
    mappings: { soc2: ['CC6.1'], iso27001: ['A.8.24', 'A.5.17'] },
  },
  {
    type: 'key-vault-key', title: 'Key rotation and expiry',
    description: 'Each key\'s expiry and rotation policy (management plane). Fails when the key has expired, has no expiry, or its policy never rotates it.',
    mappings: { soc2: ['CC6.1'], iso27001: ['A.8.24'] },
  },
  {
    type: 'key-vault-secret', title: 'Secret expiry',
    description: 'Each secret\'s expiry (metadata only: values are never read). Fails when the secret has expired or never expires.',
    mappings: { soc2: ['CC6.1'], iso27001: ['A.5.17'] },
  },
  {
    type: 'public-ip', title: 'Public IP addresses',
    description: 'The attack surface: each public address, its allocation and the resource it is attached to. An address attached to nothing fails (orphaned exposure).',
    mappings: { soc2: ['CC6.6'], iso27001: ['A.8.20', 'A.5.9'] },
  },
];

export const DEFAULT_FRAMEWORK = 'soc2';

/** A framework's title ('SOC 2 (Trust Services Criteria)'); the id itself when it is not in the catalog. */
export function frameworkTitle(id: string): string {
  return FRAMEWORKS.find((f) => f.id === id)?.title ?? id;
}
