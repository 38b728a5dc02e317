/** AWS settings as the AWS CLI takes them: flags first, then the standard AWS_* variables. */
export interface AwsSettings {
  region?: string
  profile?: string
  endpointUrl?: string
}
