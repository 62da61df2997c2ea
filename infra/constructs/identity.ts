import { ROLES, type Role } from '@jiandu/api/identity/principal';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
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
 * user's name (readable by the app, writable only by administrators), an app client for SRP
 * sign-in, and an HTTP API JWT authorizer that accepts the client's ID tokens.
 */
export class Identity extends Construct implements ApiIdentity {
  /** The staff user pool. */
  readonly userPool: cognito.UserPool;
  /** The app client the API's ID tokens are issued to. */
  readonly client: cognito.UserPoolClient;
  /** One group per role; `cognito:groups` carries the names into the tokens. */
  readonly groups: Readonly<Record<Role, cognito.CfnUserPoolGroup>>;
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: IdentityProps = {}) {
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

    const validity = props.idTokenValidity ?? Duration.hours(1);
    this.client = this.userPool.addClient('ApiClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      // No hosted UI yet: no OAuth flows, no callback URLs.
      disableOAuth: true,
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
    // Validates signature, iss, aud (ID tokens) and expiry at the gateway; the API function checks again.
    this.authorizer = new HttpJwtAuthorizer('StaffJwt', this.issuer, {
      jwtAudience: [this.audience],
      identitySource: ['$request.header.Authorization'],
    });
  }
}
