/**
 * What `jobcert init` writes into a project: a starter jobcert.config.json
 * (checked by the shipped JSON Schema; no keys in it, they come from the
 * environment) and a GitHub workflow that runs the pinned jobcert on every pull
 * request and keeps the reports. The same files are the README's examples.
 */
export function configTemplate(target: string | undefined): string {
  const config = {
    $schema: './node_modules/jobcert/dist/contracts/jobcert.config.schema.json',
    target: target ?? 'https://staging.example.com',
    videoUrl: ['short=https://cdn.example.com/clips/5s.mp4', 'long=https://cdn.example.com/clips/90s.mp4'],
    failingVideoUrl: 'https://cdn.example.com/clips/broken.mp4',
    profile: 'quick',
    strict: false,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function workflowTemplate(version: string): string {
  return `# Certifies the v1 Jobs API provider on every pull request with jobcert ${version}.
# Keys come from repository secrets and never appear in logs or reports.
name: jobcert
on:
  pull_request:
  workflow_dispatch:
jobs:
  certify:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - name: jobcert certify
        env:
          JOBCERT_API_KEY: \${{ secrets.JOBCERT_API_KEY }}
          JOBCERT_ALT_API_KEY: \${{ secrets.JOBCERT_ALT_API_KEY }}
          JOBCERT_BROKE_API_KEY: \${{ secrets.JOBCERT_BROKE_API_KEY }}
        run: npx --yes jobcert@${version} certify --config jobcert.config.json --out jobcert-reports
      - name: keep the reports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: jobcert-reports
          path: jobcert-reports/
`;
}
