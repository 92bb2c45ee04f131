// Drives the fake Verify with Twilio's official Node helper library (`twilio` on npm), the client a
// Twilio Function uses. Run by tests/verify_official_client.rs when TWILIO_NODE_MODULES names a
// node_modules folder holding `twilio`; prints one JSON line of what the client saw.
//
// usage: node official_client.js BASE_URL ACCOUNT_SID AUTH_TOKEN SERVICE_SID TO
const twilio = require('twilio');

const [base, accountSid, authToken, serviceSid, to] = process.argv.slice(2);

// Sends every request to the fake instead of https://verify.twilio.com, changing nothing else.
class Redirect extends twilio.RequestClient {
  request(opts) {
    opts.uri = opts.uri.replace(/^https:\/\/verify\.twilio\.com/, base);
    return super.request(opts);
  }
}

const client = twilio(accountSid, authToken, { httpClient: new Redirect() });
const service = client.verify.v2.services(serviceSid);

function failure(e) {
  return { status: e.status, code: e.code, message: e.message, moreInfo: e.moreInfo };
}

(async () => {
  const out = {};
  const v = await service.verifications.create({ to, channel: 'sms' });
  out.create = {
    sid: v.sid, status: v.status, to: v.to, valid: v.valid,
    attempts: v.sendCodeAttempts.length, attemptChannel: v.sendCodeAttempts[0].channel,
    dateCreated: v.dateCreated.toISOString(), url: v.url,
  };
  const fetched = await service.verifications(v.sid).fetch();
  out.fetch = { sid: fetched.sid, status: fetched.status };
  const rec = await (await fetch(`${base}/_sim/code?To=${encodeURIComponent(to)}`)).json();
  const wrongCode = rec.code === '000000' ? '111111' : '000000';
  const wrong = await service.verificationChecks.create({ to, code: wrongCode });
  out.wrong = { status: wrong.status, valid: wrong.valid };
  const right = await service.verificationChecks.create({ to, code: rec.code });
  out.right = { sid: right.sid, status: right.status, valid: right.valid };
  try {
    await service.verifications(v.sid).fetch();
    out.fetchAfterApproval = 'found';
  } catch (e) {
    out.fetchAfterApproval = failure(e);
  }
  try {
    await service.verifications.create({ to: 'not a number', channel: 'sms' });
    out.invalidTo = 'created';
  } catch (e) {
    out.invalidTo = failure(e);
  }
  const badAuth = twilio(accountSid, 'wrong-token', { httpClient: new Redirect() });
  try {
    await badAuth.verify.v2.services(serviceSid).verifications.create({ to, channel: 'sms' });
    out.badAuth = 'created';
  } catch (e) {
    out.badAuth = failure(e);
  }
  console.log(JSON.stringify(out));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
