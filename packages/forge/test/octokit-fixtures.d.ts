/** @octokit/fixtures ships no types; the tests only read recordings with `get`. */
declare module '@octokit/fixtures' {
  const fixtures: { get(name: string): unknown };
  export default fixtures;
}
