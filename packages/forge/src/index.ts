export { runForgeCli } from './cli.ts';
export { defaultSeed, seedWithoutOrgInstallation } from './seed/default-seed.ts';
export { loadSeedFile } from './seed/load-seed-file.ts';
export { startForge } from './server.ts';
export type {
  AppPermissionLevel,
  FaultOptions,
  ForgeAppCredentials,
  ForgeOptions,
  ForgeSeed,
  OrgRole,
  RepoPermission,
  SeedApp,
  SeedInstallation,
  SeedOrg,
  SeedRepo,
  SeedUser,
  StartedForge,
  WebhookTarget,
} from './types.ts';
export { signBody as signWebhookBody } from './webhooks/dispatcher.ts';
