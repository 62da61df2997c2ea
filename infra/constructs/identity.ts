import { ROLES, type Role } from '@jiandu/api/identity/principal';
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/**
 * What an API needs from an identity provider: the ID-token issuer, audience and key set
 * its function verifies, and the gateway authorizer for private routes.
 */
export interface ApiIdentity {
  /** `iss` of the ID tokens (`https://cognito-idp.<region>.<suffix>/<pool id>`). */
  readonly issuer: string;
  /** `aud` of the ID tokens: the app client id. */
  readonly audience: string;
  /** The issuer's public signing keys. */
  readonly jwksUrl: string;
  /** JWT authorizer for the HTTP API's private routes (same issuer and audience). */
  readonly authorizer: apigwv2.IHttpRouteAuthorizer;
  /** The staff user pool: the API lists who may be assigned leads from its groups. */
  readonly userPool: cognito.IUserPool;
}

/** Props of {@link Identity}. */
export interface IdentityProps {
  /**
   * What happens to the user pool when the stack goes. Users, their groups and MFA devices
   * can't be re-created from anything else, so they stay by default.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Lifetime of ID tokens (the bearer tokens the API takes). @default one hour */
  readonly idTokenValidity?: Duration;
  /**
   * Origin of the site serving the staff dashboard (`https://host`, no path or trailing slash): the hosted UI
   * returns to `<webOrigin>/staff/callback` and, after sign-out, to `<webOrigin>/staff/`.
   * A value, not the web stack's distribution: the web stack already depends on this one.
   */
  readonly webOrigin: string;
  /**
   * Prefix of the hosted UI's domain `<prefix>.auth.<region>.amazoncognito.com` (unique in
   * the region; may not contain `aws`, `amazon` or `cognito`). @default `jiandu-<account id>`
   */
  readonly domainPrefix?: string;
}

/** What the staff dashboard's `/staff/config.json` holds (see `packages/web-staff/src/auth.ts`). */
export interface StaffLoginConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly logoutEndpoint: string;
  readonly scope: string;
  /** Where the dashboard asks to be sent back (it derives the same URL from its own origin). */
  readonly redirectUri: string;
}

/** The dashboard's callback and sign-out pages under a site origin. */
export function dashboardUrls(webOrigin: string): { callback: string; signedOut: string } {
  return { callback: `${webOrigin}/staff/callback`, signedOut: `${webOrigin}/staff/` };
}

/** What each role's group is for (shown to administrators in the Cognito console). */
const GROUP_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  admin: '县纪委监委管理员：全部功能与审计日志',
  inspector: '县纪委监委检查员：全县疑点线索',
  township_officer: '乡镇纪委：仅本乡镇（custom:township）的线索和举报',
  department_uploader: '部门数据员：仅本部门（custom:department）的数据集和版本',
  supervisor: '村务监督委员会：仅协助举报',
};

/**
 * Staff identities in AWS: a Cognito user pool (administrators create users, no self
 * sign-up; strong passwords; TOTP MFA required; Plus-tier threat protection), one group per
 * platform role, the jurisdiction attributes `custom:township` / `custom:department` and the
 * user's name (readable by the app, writable only by administrators), the hosted UI on a
 * Cognito domain, one app client (the dashboard's authorization code + PKCE login and SRP
 * for scripts), and an HTTP API JWT authorizer that accepts the client's ID tokens.
 */
export class Identity extends Construct implements ApiIdentity {
  /** The staff user pool. */
  readonly userPool: cognito.UserPool;
  /** The app client the API's ID tokens are issued to. */
  readonly client: cognito.UserPoolClient;
  /** The hosted UI's domain (`<prefix>.auth.<region>.amazoncognito.com`). */
  readonly domain: cognito.UserPoolDomain;
  /** The dashboard's `/staff/config.json` in this deployment. */
  readonly staffLogin: StaffLoginConfig;
  /** One group per role; `cognito:groups` carries the names into the tokens. */
  readonly groups: Readonly<Record<Role, cognito.CfnUserPoolGroup>>;
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Staff accounts are created by the commission's administrators, never by visitors.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: true, mutable: true },
      },
      customAttributes: {
        // Mutable so an administrator can move an officer; the app client can't write them (below).
        township: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        department: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Staff see personal data: a second factor is mandatory, and only TOTP (no SMS interception).
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Plus tier: compromised-credential and adaptive-authentication protection, enforced.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });

    const groups = {} as Record<Role, cognito.CfnUserPoolGroup>;
    ROLES.forEach((role, precedence) => {
      groups[role] = new cognito.CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: GROUP_DESCRIPTIONS[role],
        precedence,
      });
    });
    this.groups = groups;

    // The hosted UI enforces the pool's MFA: TOTP enrolment at first sign-in, a code every time.
    this.domain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `jiandu-${Aws.ACCOUNT_ID}` },
    });
    const urls = dashboardUrls(props.webOrigin);
    const scopes = [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE];

    const validity = props.idTokenValidity ?? Duration.hours(1);
    // One client for the dashboard and scripts, so the API keeps a single audience. A second,
    // dashboard-only client in the web stack would need the API to trust its id, which the API
    // stack can only get from the web stack — a cycle, since the web stack fronts this API.
    this.client = this.userPool.addClient('ApiClient', {
      authFlows: { userSrp: true },
      // A public client (code in a browser): no secret; PKCE protects the authorization code.
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes,
        callbackUrls: [urls.callback],
        logoutUrls: [urls.signedOut],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: validity,
      accessTokenValidity: validity,
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('township', 'department'),
      // Users may fix their email only. Their name is what lead and report histories record as
      // the actor, and jurisdiction decides what they see: both stay with administrators.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }),
    });

    this.issuer = `https://${this.userPool.userPoolProviderUrl}`;
    this.audience = this.client.userPoolClientId;
    this.jwksUrl = `${this.issuer}/.well-known/jwks.json`;
    const hostedUi = this.domain.baseUrl();
    this.staffLogin = {
      issuer: this.issuer,
      clientId: this.audience,
      authorizationEndpoint: `${hostedUi}/oauth2/authorize`,
      tokenEndpoint: `${hostedUi}/oauth2/token`,
      logoutEndpoint: `${hostedUi}/logout`,
      scope: scopes.map((s) => s.scopeName).join(' '),
      redirectUri: urls.callback,
    };
    // Validates signature, iss, aud (ID tokens) and expiry at the gateway; the API function checks again.
    this.authorizer = new HttpJwtAuthorizer('StaffJwt', this.issuer, {
      jwtAudience: [this.audience],
      identitySource: ['$request.header.Authorization'],
    });
  }
}
