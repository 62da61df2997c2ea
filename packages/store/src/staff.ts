import { readFileSync } from 'node:fs';
import type { CognitoIdentityProviderClient, UserType } from '@aws-sdk/client-cognito-identity-provider';
import type { StaffDirectory, StaffMember } from '@jiandu/domain/leads/assignees';

/**
 * The Cognito SDK, loaded on the first read of the directory (an assignment), not at cold
 * start: its client is ~100 KB of the API's 1 MB budget. The deployed bundle leaves it to the
 * Lambda runtime's SDK (`JianduFunction`'s `externalModules`); locally and in tests it comes
 * from node_modules.
 */
const cognito = () => import('@aws-sdk/client-cognito-identity-provider');

/** The role groups whose members may be assigned leads. */
const ASSIGNABLE_GROUPS = ['inspector', 'admin', 'township_officer'] as const;

/** How long a container trusts its copy of the user pool: new accounts show up within this. */
const CACHE_MS = 5 * 60_000;

/**
 * The staff directory of a Cognito user pool: the members of the groups that work leads, with
 * their `name` and `custom:township`. Read with `cognito-idp:ListUsersInGroup` (paged), kept
 * for five minutes per container. `client` is for tests; by default one is created for `region`.
 */
export class CognitoStaffDirectory implements StaffDirectory {
  #cached: { at: number; members: Promise<readonly StaffMember[]> } | undefined;
  #client: CognitoIdentityProviderClient | undefined;

  constructor(
    private readonly userPoolId: string,
    private readonly options: {
      readonly region?: string;
      readonly client?: CognitoIdentityProviderClient;
      readonly clock?: () => number;
    } = {},
  ) {
    this.#client = options.client;
  }

  members(): Promise<readonly StaffMember[]> {
    const now = (this.options.clock ?? Date.now)();
    if (!this.#cached || now - this.#cached.at > CACHE_MS) {
      const members = this.#load();
      // A failed read is not kept: the next request asks again.
      members.catch(() => {
        if (this.#cached?.members === members) this.#cached = undefined;
      });
      this.#cached = { at: now, members };
    }
    return this.#cached.members;
  }

  async #load(): Promise<readonly StaffMember[]> {
    const { CognitoIdentityProviderClient, ListUsersInGroupCommand } = await cognito();
    const region = this.options.region;
    this.#client ??= new CognitoIdentityProviderClient(region ? { region } : {});
    const client = this.#client;
    const byName = new Map<string, { user: UserType; roles: string[] }>();
    for (const group of ASSIGNABLE_GROUPS) {
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListUsersInGroupCommand({ UserPoolId: this.userPoolId, GroupName: group, NextToken: token }),
        );
        for (const user of page.Users ?? []) {
          if (!user.Username || user.Enabled === false) continue;
          const entry = byName.get(user.Username) ?? { user, roles: [] };
          entry.roles.push(group);
          byName.set(user.Username, entry);
        }
        token = page.NextToken;
      } while (token);
    }
    return [...byName.values()].map(({ user, roles }) => {
      const attribute = (name: string) => user.Attributes?.find((a) => a.Name === name)?.Value;
      const name = attribute('name');
      const township = attribute('custom:township');
      return {
        username: user.Username as string,
        roles,
        ...(name ? { name } : {}),
        ...(township ? { township } : {}),
      };
    });
  }
}

/** A fixed list of staff accounts: the local platform's demo users (from a JSON file), and tests. */
export class StaticStaffDirectory implements StaffDirectory {
  constructor(private readonly list: readonly StaffMember[]) {}

  /** The directory a JSON file lists (`[{ username, name, roles, township }]`), read once. */
  static fromFile(path: string): StaticStaffDirectory {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!Array.isArray(parsed)) throw new Error(`${path}: expected a JSON list of staff accounts`);
    return new StaticStaffDirectory(parsed as StaffMember[]);
  }

  async members(): Promise<readonly StaffMember[]> {
    return this.list;
  }
}
