export {
  type DeclaredUsage,
  type MessagesRequest,
  type Script,
  type ScriptedApiOptions,
  type ScriptedBlock,
  ScriptedMessagesApi,
  toolResultsIn,
} from './scripted-messages-api.ts';
export { mulberry32, type Seeded, seeded, seededWith, seedFromEnv } from './seed.ts';
