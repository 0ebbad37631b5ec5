export * from './provider.types'
export * from './provider.errors'
export * from './provider.registry'
export { HttpClient, DEFAULT_RETRY_POLICY, retryAfterFromHeaders, realSleep } from './http.client'
export type { HttpRequest, HttpResponse, HttpMethod, ErrorMapper } from './http.client'
export { NovuProvider, novuKeyHash } from './novu/novu.provider'
export {
  NOVU_REGIONS,
  NOVU_DASHBOARDS,
  novuDashboardUrl,
  novuEndpoints,
  novuEndpointsForBaseUrl,
  normaliseNovuApiUrl,
} from './novu/novu.regions'
export type { NovuRegion, NovuTarget, NovuEndpoints } from './novu/novu.regions'
export {
  CloudflareProvider,
  CLOUDFLARE_API_URL,
  CLOUDFLARE_PAGE_SIZE,
  normaliseCloudflareUrl,
} from './cloudflare/cloudflare.provider'
export {
  GitlabProvider,
  GITLAB_COM_URL,
  GITLAB_PAGE_SIZE,
  GITLAB_DEFAULT_MAX_LIFETIME_DAYS,
  normaliseGitlabUrl,
} from './gitlab/gitlab.provider'
export { AwsIamProvider, AWS_IAM_URL, AWS_MAX_KEYS_PER_USER } from './aws-iam/aws-iam.provider'
export { SendgridProvider, SENDGRID_API_URL, sendgridKeyId } from './sendgrid/sendgrid.provider'
