import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { CloudConfig, CredentialKind, NewConnection } from '../../../server/src/protocol';
import { isHttpsUrl, type NamedCloud } from '../config';
import { ActionableError } from '../errors';
import { readCertificatePem } from './certificatePem';
import { MultiStepInput, type Step, type Validation } from './multiStepInput';
import { DOMAIN, type OrgChoice, type OrgOption, type OrgState, emptyOrgState, orgChoice, organizationSteps } from './organizationSteps';

/** What the connect flow collects. The secret travels separately from the connection: it goes to SecretStorage. */
export interface ConnectRequest {
  connection: NewConnection;
  /** The client secret, or the certificate PEM; empty for the sign-in methods (Azure CLI, Microsoft account). */
  secret: string;
  /** The organization the connection publishes its assets as (created after the connection), if any. */
  organization?: OrgChoice;
}

interface MethodItem extends vscode.QuickPickItem {
  credentialKind: CredentialKind;
}

/** The four ways to sign in, in the order offered. */
const METHODS: MethodItem[] = [
  { label: 'Client secret', description: 'service principal', detail: 'An app registration and one of its client secrets (kept in the OS keychain)', credentialKind: 'secret' },
  { label: 'Client certificate', description: 'service principal', detail: 'An app registration and a PEM file with its certificate and PKCS#8 private key', credentialKind: 'certificate' },
  { label: 'Azure CLI', description: 'your az login', detail: "Reads Azure as the account of 'az login' on this machine (az account get-access-token)", credentialKind: 'azure-cli' },
  { label: 'Microsoft account', description: 'signed in to VS Code', detail: 'Reads Azure as the Microsoft account you sign in to VS Code with; syncs need a VS Code window', credentialKind: 'microsoft-account' },
];

interface CloudItem extends vscode.QuickPickItem {
  cloud?: CloudConfig;
}

interface State extends OrgState {
  /** The organization steps that end the flow, built from the organizations the store has. */
  orgSteps: Step<State>;
  name: string;
  description: string;
  cloudItem?: CloudItem;
  cloud?: CloudConfig;
  authorityHost: string;
  armEndpoint: string;
  caFile: string;
  tenantId: string;
  method?: MethodItem;
  clientId: string;
  secret: string;
  subscriptions: string;
}

const TITLE = 'Connect to Azure';
/** Eight connection steps, then the five organization steps. */
const TOTAL = 13;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GUID_PLACEHOLDER = '00000000-0000-0000-0000-000000000000';
const CUSTOM_LABEL = 'Custom cloud...';

/**
 * The connect flow's prompts, in order. The real-editor test types into them in this order and presses Enter after
 * each (for the cloud it types the cloud's label), so prompts, order and labels are a contract: change them together
 * with test/e2e. After the subscriptions come the organization steps (organizationSteps.ts): the parent the
 * connection's assets are published under (or none), then name, domain, description and visibility.
 */
export async function connectWizard(existingNames: string[], customClouds: NamedCloud[], orgs: OrgOption[] = []): Promise<ConnectRequest> {
  const taken = new Set(existingNames.map((n) => n.trim().toLowerCase()));
  // "<tenant domain> Azure", or "<connection name> Azure" for a tenant given by id.
  const orgDefaults = {
    defaultName: (s: State) => `${DOMAIN.test(s.tenantId.trim()) ? s.tenantId.trim() : s.name.trim()} Azure`,
    defaultDomain: (s: State) => (DOMAIN.test(s.tenantId.trim()) ? s.tenantId.trim() : undefined),
  };
  const orgSteps = organizationSteps<State>({ title: TITLE, firstStep: 9, totalSteps: TOTAL, orgs, allowNone: true, ...orgDefaults });
  const s = await MultiStepInput.run<State>(nameStep(taken, customClouds), {
    name: '', description: '', authorityHost: '', armEndpoint: '', caFile: '',
    tenantId: '', clientId: '', secret: '', subscriptions: '', orgSteps, ...emptyOrgState(),
  });
  const organization = orgChoice(s, orgDefaults);
  // "mg:<id>" names a management group: its subscriptions are listed at each sync.
  const group = MG.exec(s.subscriptions.trim())?.[1];
  const subscriptions = group ? [] : splitIds(s.subscriptions);
  return {
    connection: {
      name: s.name.trim(),
      description: s.description.trim() || undefined,
      tenantId: s.tenantId.trim(),
      clientId: interactive(s) ? '' : s.clientId.trim(),
      credentialKind: s.method?.credentialKind ?? 'secret',
      subscriptions: subscriptions.length ? subscriptions : undefined,
      ...(group ? { managementGroup: group } : {}),
      cloud: s.cloud!,
    },
    secret: interactive(s) ? '' : s.secret,
    ...(organization ? { organization } : {}),
  };
}

function interactive(s: State): boolean {
  return s.method?.credentialKind === 'azure-cli' || s.method?.credentialKind === 'microsoft-account';
}

function nameStep(taken: Set<string>, customClouds: NamedCloud[]): Step<State> {
  return async (input, s) => {
    s.name = await input.showInputBox({
      title: TITLE, step: 1, totalSteps: TOTAL, value: s.name,
      prompt: 'Name of the connection, e.g. Prod',
      placeholder: 'Connection name',
      validate: (v) => {
        const name = v.trim();
        if (!name) return 'Enter a name for this connection.';
        if (name.length > 64) return 'Use at most 64 characters.';
        if (taken.has(name.toLowerCase())) return warning(`A connection named '${name}' already exists; a different name tells them apart.`);
        return undefined;
      },
    });
    return descriptionStep(customClouds);
  };
}

function descriptionStep(customClouds: NamedCloud[]): Step<State> {
  return async (input, s) => {
    s.description = await input.showInputBox({
      title: TITLE, step: 2, totalSteps: TOTAL, value: s.description,
      prompt: 'Description (optional), e.g. what these subscriptions are for',
      placeholder: 'Description (optional)',
    });
    return cloudStep(customClouds);
  };
}

function cloudStep(customClouds: NamedCloud[]): Step<State> {
  return async (input, s) => {
    const items: CloudItem[] = [
      { label: 'Azure', description: 'AzureCloud', cloud: { name: 'AzureCloud' } },
      { label: 'Azure US Government', description: 'AzureUSGovernment', cloud: { name: 'AzureUSGovernment' } },
      { label: 'Azure China (21Vianet)', description: 'AzureChinaCloud', cloud: { name: 'AzureChinaCloud' } },
      ...customClouds.map((c): CloudItem => ({
        label: c.name,
        description: c.armEndpoint,
        detail: c.caFile ? `Trusts the CA certificates in ${c.caFile}` : undefined,
        cloud: { name: 'Custom', authorityHost: c.authorityHost, armEndpoint: c.armEndpoint, caFile: c.caFile, ...(c.authProvider ? { authProvider: c.authProvider } : {}) },
      })),
      { label: CUSTOM_LABEL, description: 'Enter an authority host and an ARM endpoint' },
    ];
    const active = items.find((i) => i.label === s.cloudItem?.label);
    s.cloudItem = await input.showQuickPick({
      title: TITLE, step: 3, totalSteps: TOTAL, items, active,
      placeholder: 'Cloud to connect to (rampart.clouds adds named custom clouds)',
    });
    if (s.cloudItem.cloud) {
      s.cloud = s.cloudItem.cloud;
      return tenantStep;
    }
    return authorityHostStep;
  };
}

const authorityHostStep: Step<State> = async (input, s) => {
  s.authorityHost = await input.showInputBox({
    title: `${TITLE}: custom cloud`, step: 3, totalSteps: TOTAL, value: s.authorityHost,
    prompt: 'Authority host of the custom cloud (https URL of its Entra ID sign-in endpoint)',
    placeholder: 'https://login.microsoftonline.com',
    validate: httpsUrl,
  });
  return armEndpointStep;
};

const armEndpointStep: Step<State> = async (input, s) => {
  s.armEndpoint = await input.showInputBox({
    title: `${TITLE}: custom cloud`, step: 3, totalSteps: TOTAL, value: s.armEndpoint,
    prompt: 'Azure Resource Manager endpoint of the custom cloud (https URL)',
    placeholder: 'https://management.azure.com',
    validate: httpsUrl,
  });
  return caFileStep;
};

const caFileStep: Step<State> = async (input, s) => {
  s.caFile = await input.showInputBox({
    title: `${TITLE}: custom cloud`, step: 3, totalSteps: TOTAL, value: s.caFile,
    prompt: 'PEM file of extra certificate authorities to trust (optional)',
    placeholder: 'CA file path (optional)',
    validate: (v) => {
      const file = expandHome(v.trim());
      if (!file) return undefined;
      try {
        return fs.statSync(file).isFile() ? undefined : `${file} is not a file.`;
      } catch {
        return `${file} does not exist.`;
      }
    },
  });
  s.cloud = {
    name: 'Custom',
    authorityHost: s.authorityHost.trim(),
    armEndpoint: s.armEndpoint.trim(),
    caFile: expandHome(s.caFile.trim()) || undefined,
  };
  return tenantStep;
};

const tenantStep: Step<State> = async (input, s) => {
  s.tenantId = await input.showInputBox({
    title: TITLE, step: 4, totalSteps: TOTAL, value: s.tenantId,
    prompt: 'Directory (tenant) ID or domain',
    placeholder: `${GUID_PLACEHOLDER} or contoso.onmicrosoft.com`,
    validate: (v) => {
      const t = v.trim();
      if (!t) return 'Enter the tenant ID (a GUID) or a verified domain of the tenant.';
      return GUID.test(t) || DOMAIN.test(t) ? undefined : `'${t}' is neither a GUID nor a domain such as contoso.onmicrosoft.com.`;
    },
  });
  return methodStep;
};

const methodStep: Step<State> = async (input, s) => {
  s.method = await input.showQuickPick({
    title: TITLE, step: 5, totalSteps: TOTAL, items: METHODS, active: METHODS.find((m) => m.credentialKind === s.method?.credentialKind),
    placeholder: 'How Rampart signs in to Azure',
  });
  return interactive(s) ? subscriptionsStep : clientIdStep;
};

const clientIdStep: Step<State> = async (input, s) => {
  s.clientId = await input.showInputBox({
    title: TITLE, step: 6, totalSteps: TOTAL, value: s.clientId,
    prompt: 'Application (client) ID of the service principal',
    placeholder: GUID_PLACEHOLDER,
    validate: (v) => (GUID.test(v.trim()) ? undefined : 'Enter the application (client) ID: a GUID from the app registration.'),
  });
  return s.method?.credentialKind === 'certificate' ? certificateStep : secretStep;
};

const certificateStep: Step<State> = async (input, s) => {
  // Keystrokes only check that the file exists; it is read and checked once, on Enter (a failed check shows the
  // step again with what was typed and why).
  let value = '';
  let message: string | undefined;
  for (;;) {
    value = await input.showInputBox({
      title: TITLE, step: 7, totalSteps: TOTAL, value, message,
      prompt: 'PEM file with the certificate and its PKCS#8 private key (read once, kept in the OS keychain)',
      placeholder: 'Certificate file path',
      validate: (v) => {
        const file = expandHome(v.trim());
        if (!file) return 'Enter the path of the PEM file.';
        return fs.existsSync(file) ? undefined : `${file} does not exist.`;
      },
    });
    try {
      s.secret = await readCertificatePem(vscode.Uri.file(expandHome(value.trim())));
      return subscriptionsStep;
    } catch (e) {
      if (!(e instanceof ActionableError)) throw e;
      message = e.message;
    }
  }
};

const secretStep: Step<State> = async (input, s) => {
  s.secret = await input.showInputBox({
    title: TITLE, step: 7, totalSteps: TOTAL, value: s.secret, password: true,
    prompt: 'Client secret of the service principal (kept in the OS keychain, never in settings)',
    placeholder: 'Client secret',
    validate: (v) => (v.trim() ? undefined : 'Enter the client secret value (not its ID).'),
  });
  return subscriptionsStep;
};

const subscriptionsStep: Step<State> = async (input, s) => {
  s.subscriptions = await input.showInputBox({
    title: TITLE, step: 8, totalSteps: TOTAL, value: s.subscriptions,
    prompt: `Subscription IDs to read, separated by commas or spaces, or mg:<management group id>; leave empty for every subscription ${interactive(s) ? 'you' : 'the service principal'} can see`,
    placeholder: `All subscriptions ${interactive(s) ? 'you' : 'the service principal'} can see`,
    validate: (v) => {
      if (MG.test(v.trim())) return undefined;
      const bad = splitIds(v).find((id) => !GUID.test(id));
      return bad ? `'${bad}' is not a subscription ID (a GUID).` : undefined;
    },
  });
  return s.orgSteps;
};

function httpsUrl(v: string): Validation {
  return isHttpsUrl(v.trim()) ? undefined : 'Enter an https URL: over http the credentials would travel in clear text.';
}

function warning(message: string): vscode.InputBoxValidationMessage {
  return { message, severity: vscode.InputBoxValidationSeverity.Warning };
}

const MG = /^mg:([A-Za-z0-9._()-]{1,90})$/i;

function splitIds(value: string): string[] {
  return value.split(/[\s,;]+/).filter(Boolean);
}

function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? os.homedir() + file.slice(1) : file;
}
