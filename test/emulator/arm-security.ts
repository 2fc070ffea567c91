/**
 * Microsoft.Security routes (api 2020-01-01): Defender for Cloud secure scores and secure score controls of a
 * subscription. A subscription without scores answers an empty list, as one without Defender does.
 */
import type { ArmRoute } from './arm';
import { wireResource } from './arm-common';

const SUB = '^/subscriptions/(?<sub>[^/]+)/providers/Microsoft\\.Security';

export const securityRoutes: ArmRoute[] = [
  {
    pattern: new RegExp(`${SUB}/secureScores$`, 'i'),
    action: 'Microsoft.Security/secureScores/read',
    handle: ({ sub }) => ({
      list: (sub!.secureScores ?? []).map((s) => wireResource(`/subscriptions/${sub!.id}/providers/Microsoft.Security`, 'Microsoft.Security/secureScores', s)),
    }),
  },
  {
    // Both the subscription-wide list and the per-score list (secureScores/{name}/secureScoreControls).
    pattern: new RegExp(`${SUB}(?:/secureScores/(?<score>[^/]+))?/secureScoreControls$`, 'i'),
    action: 'Microsoft.Security/secureScoreControls/read',
    handle: ({ sub, groups }) => ({
      list: (sub!.secureScoreControls ?? []).map((c) => wireResource(
        `/subscriptions/${sub!.id}/providers/Microsoft.Security/secureScores/${groups.score ?? 'ascScore'}`,
        'Microsoft.Security/secureScores/secureScoreControls', c)),
    }),
  },
];
