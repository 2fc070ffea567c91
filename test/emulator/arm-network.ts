/** Microsoft.Network routes: public IP addresses of a subscription (the attack-surface inventory). */
import type { ArmRoute } from './arm';
import { providerPrefix, wireResource } from './arm-common';

export const networkRoutes: ArmRoute[] = [
  {
    pattern: /^\/subscriptions\/(?<sub>[^/]+)\/providers\/Microsoft\.Network\/publicIPAddresses$/i,
    action: 'Microsoft.Network/publicIPAddresses/read',
    handle: ({ sub }) => ({
      list: (sub!.publicIpAddresses ?? []).map((p) =>
        wireResource(providerPrefix(sub!.id, p.resourceGroup, 'Microsoft.Network'), 'Microsoft.Network/publicIPAddresses', p)),
    }),
  },
];
