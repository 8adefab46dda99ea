// The baseline: a bare node:http server that drains the body and answers a fixed JSON body.
import { createServer } from 'node:http';

const body = JSON.stringify({ success: true, id: 'job_baseline', status: 'created', message: 'Job created' });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_baseline' });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
