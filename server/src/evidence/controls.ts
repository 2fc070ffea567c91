/**
 * The SOC 2 controls Rampart collects evidence for, and which evidence types each expects. Titles and descriptions
 * are written here in Rampart's words (summaries of the 2017 Trust Services Criteria, revised points of focus 2022).
 */
export interface ControlDefinition { id: string; title: string; description: string; expects: string[] }

export interface EvidenceTypeDefinition { type: string; title: string; controls: string[] }

export const EVIDENCE_TYPES: EvidenceTypeDefinition[] = [
  { type: 'role-assignment', title: 'RBAC role assignments', controls: ['CC6.1', 'CC6.2', 'CC6.3'] },
  { type: 'resource-group', title: 'Resource group inventory', controls: ['CC6.6', 'CC6.7'] },
];

export const CONTROLS: ControlDefinition[] = [
  { id: 'CC6.1', title: 'Logical access security', description: 'Access to information assets is restricted through logical access security software, infrastructure and architecture; privileged access is limited.', expects: [] },
  { id: 'CC6.2', title: 'User registration and authorization', description: 'Users and identities are registered and authorized before access is granted, and access is removed when no longer needed.', expects: [] },
  { id: 'CC6.3', title: 'Role-based access and least privilege', description: 'Access is granted, changed and removed based on roles and responsibilities, following least privilege and segregation of duties.', expects: [] },
  { id: 'CC6.6', title: 'Protection against external threats', description: 'Logical access measures protect against threats from sources outside the system boundaries; the boundary is known and inventoried.', expects: [] },
  { id: 'CC6.7', title: 'Restricted transmission and movement of information', description: 'The transmission, movement and removal of information is restricted to authorized users and processes, within known locations.', expects: [] },
  { id: 'CC7.1', title: 'Detection of configuration changes and vulnerabilities', description: 'Detection and monitoring procedures identify configuration changes that introduce vulnerabilities and susceptibilities to newly found ones.', expects: ['secure-score'] },
];

for (const c of CONTROLS) {
  for (const t of EVIDENCE_TYPES) if (t.controls.includes(c.id) && !c.expects.includes(t.type)) c.expects.push(t.type);
}

export function evidenceType(type: string): EvidenceTypeDefinition | undefined {
  return EVIDENCE_TYPES.find((t) => t.type === type);
}

export function typeTitle(type: string): string {
  return evidenceType(type)?.title ?? (type === 'secure-score' ? 'Defender for Cloud secure score' : type);
}
