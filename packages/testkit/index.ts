export {
  type MessagesRequest,
  type Script,
  type ScriptedBlock,
  ScriptedMessagesApi,
  toolResultsIn,
} from './scripted-messages-api.ts';
