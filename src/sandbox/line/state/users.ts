import { newUserId } from '../ids';

export interface SimulatedUser {
  userId: string;
  displayName: string;
  pictureUrl?: string;
  statusMessage?: string;
  language: string;
  /** Whether the user currently has the account as a friend (follow → true, unfollow → false). */
  following: boolean;
  /** Set once the user has unfollowed: the next follow carries `isUnblocked: true`. */
  hasBlocked: boolean;
}

/** The simulated LINE users: their profiles (for GET /v2/bot/profile) and friendship state. */
export class UserDirectory {
  private readonly users = new Map<string, SimulatedUser>();
  private counter = 0;

  add(userId: string = newUserId(), profile: Partial<Omit<SimulatedUser, 'userId'>> = {}): SimulatedUser {
    const existing = this.users.get(userId);
    if (existing) {
      Object.assign(existing, profile);
      return existing;
    }
    this.counter += 1;
    const user: SimulatedUser = {
      userId,
      displayName: profile.displayName ?? `測試用戶 ${this.counter}`,
      language: profile.language ?? 'zh-TW',
      following: profile.following ?? false,
      hasBlocked: profile.hasBlocked ?? false,
      ...(profile.pictureUrl ? { pictureUrl: profile.pictureUrl } : {}),
      ...(profile.statusMessage ? { statusMessage: profile.statusMessage } : {}),
    };
    this.users.set(userId, user);
    return user;
  }

  get(userId: string): SimulatedUser | undefined {
    return this.users.get(userId);
  }

  /** Returns the user, creating one with a default name the first time an ID is seen. */
  ensure(userId: string): SimulatedUser {
    return this.users.get(userId) ?? this.add(userId);
  }

  list(): SimulatedUser[] {
    return [...this.users.values()];
  }
}
