import { describe, expect, it } from 'vitest'
import { isAllowedExternalUrl } from '../../../src-main/core/desktop/external-links'

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
})
