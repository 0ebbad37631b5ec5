import { describe, expect, it } from 'vitest'
import { catalogueDashboardHosts, isAllowedExternalUrl } from '../../../src-main/core/desktop/external-links'
import { PROVIDER_CATALOGUE } from '../../../src-main/core/guided/provider-catalogue'

describe('isAllowedExternalUrl', () => {
  it('allows https links to the provider dashboards and docs Keyshelf links to', () => {
    for (const url of [
      'https://dashboard.novu.co/api-keys',
      'https://dash.cloudflare.com/profile/api-tokens',
      'https://gitlab.com/-/user_settings/personal_access_tokens',
      'https://docs.gitlab.com/ee/api/rest/',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(true)
    }
  })

  it('refuses other hosts, look-alikes, other schemes, ports and credentials', () => {
    for (const url of [
      'https://example.com/',
      'https://dashboard.novu.co.evil.example/',
      'https://evil.gitlab.com.example/',
      'https://notgitlab.com/',
      'http://gitlab.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-settings:privacy',
      'smb://gitlab.com/share',
      'https://user:pw@gitlab.com/',
      'https://gitlab.com:8443/',
      'not a url',
      '',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false)
    }
  })

  it('matches the host case-insensitively, as URLs do', () => {
    expect(isAllowedExternalUrl('https://GitLab.com/explore')).toBe(true)
  })

  it('allows every guided-rotation dashboard of the catalogue, and only its exact hosts', () => {
    for (const e of PROVIDER_CATALOGUE) expect(isAllowedExternalUrl(e.dashboardUrl), e.id).toBe(true)
    expect(isAllowedExternalUrl('https://dashboard.stripe.com/apikeys')).toBe(true)
    expect(isAllowedExternalUrl('https://platform.openai.com/api-keys')).toBe(true)
    expect(isAllowedExternalUrl('https://api.stripe.com/v1/balance')).toBe(false)
    expect(isAllowedExternalUrl('https://stripe.com.evil.example/')).toBe(false)
    expect(isAllowedExternalUrl('http://dashboard.stripe.com/apikeys')).toBe(false)
  })

  it('takes from a catalogue only plain https hosts (no http, port, credentials or odd names)', () => {
    expect(
      catalogueDashboardHosts([
        { dashboardUrl: 'https://ok.example.com/keys' },
        { dashboardUrl: 'http://plain.example.com/' },
        { dashboardUrl: 'https://ported.example.com:8443/' },
        { dashboardUrl: 'https://u:p@creds.example.com/' },
        { dashboardUrl: 'https://127.0.0.1/' },
        { dashboardUrl: 'not a url' },
      ]),
    ).toEqual(['ok.example.com'])
  })
})
