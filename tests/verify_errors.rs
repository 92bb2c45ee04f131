//! Error answers over real HTTP: authentication, routing, validation, service flags, magic
//! numbers, limits and malformed requests.

mod verify_support;

use rsa_verify_sim::verify::{magic_numbers, LimitCodes, MagicEffect, VerifyConfig};
use serde_json::json;
use verify_support::{basic, exchange_raw, parse, request, Sim};

const TO: &str = "+61412345678";

fn create_path(sim: &Sim) -> String {
    format!("/v2/Services/{}/Verifications", sim.service())
}

#[tokio::test]
async fn a_request_without_credentials_is_401_20003_with_detail() {
    let sim = Sim::start().await;
    let reply = request(
        sim.addr(),
        "POST",
        &create_path(&sim),
        None,
        "To=%2B61412345678&Channel=sms",
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.body,
        r#"{"code":20003,"detail":"Your AccountSid or AuthToken was incorrect.","message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}"#
    );
    assert!(sim.fake.verifications().is_empty());
}

#[tokio::test]
async fn a_wrong_auth_token_is_401_even_for_an_invalid_request() {
    let sim = Sim::start().await;
    let auth = basic(&sim.config.account_sid, "wrong");
    let reply = request(sim.addr(), "POST", &create_path(&sim), Some(auth), "")
        .await
        .unwrap();
    assert_eq!((reply.status, reply.code()), (401, 20003));
}

#[tokio::test]
async fn an_api_key_and_its_secret_authenticate() {
    let sim = Sim::start().await;
    let (sk, secret) = sim.config.api_keys[0].clone();
    let reply = request(
        sim.addr(),
        "POST",
        &create_path(&sim),
        Some(basic(&sk, &secret)),
        "To=%2B61412345678&Channel=sms",
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 201);
}

#[tokio::test]
async fn an_unknown_service_is_404_20404() {
    let sim = Sim::start().await;
    let path = "/v2/Services/VAffffffffffffffffffffffffffffffff/Verifications";
    let reply = sim.post(path, &[("To", TO), ("Channel", "sms")]).await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.json()["message"],
        "The requested resource /Services/VAffffffffffffffffffffffffffffffff/Verifications was not found"
    );
}

#[tokio::test]
async fn an_unknown_path_is_a_json_404() {
    let sim = Sim::start().await;
    let reply = sim.get("/v1/nothing/here").await;
    assert_eq!((reply.status, reply.code()), (404, 20404));
}

#[tokio::test]
async fn a_wrong_method_is_405_with_allow() {
    let sim = Sim::start().await;
    let reply = sim.get(&create_path(&sim)).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("POST"));
    assert_eq!(reply.code(), 20004);
}

#[tokio::test]
async fn a_body_over_64_kib_is_413_json() {
    let sim = Sim::start().await;
    let big = format!("To={}", "1".repeat(70 * 1024));
    let reply = request(
        sim.addr(),
        "POST",
        &create_path(&sim),
        Some(sim.basic()),
        &big,
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 413);
    assert_eq!(reply.json()["status"], 413);
}

#[tokio::test]
async fn a_chunked_body_over_64_kib_is_413_json() {
    let sim = Sim::start().await;
    let chunk = "1".repeat(40 * 1024);
    let raw = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: {}\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{chunk}\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        create_path(&sim),
        sim.basic(),
        chunk.len(),
        chunk.len()
    );
    let reply = parse(&exchange_raw(sim.addr(), raw.as_bytes()).await.unwrap()).unwrap();
    assert_eq!(reply.status, 413);
}

#[tokio::test]
async fn a_body_of_invalid_utf8_is_answered_not_panicked_on() {
    let sim = Sim::start().await;
    let body: &[u8] = b"To=\xff\xfe\xfd&Channel=sms";
    let mut raw = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        create_path(&sim),
        sim.basic(),
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    let reply = parse(&exchange_raw(sim.addr(), &raw).await.unwrap()).unwrap();
    assert_eq!(
        (reply.status, reply.json()["message"].clone()),
        (400, json!("Invalid parameter: To"))
    );
    // The server is still up.
    assert_eq!(sim.create(TO).await.status, 201);
}

#[tokio::test]
async fn a_missing_to_is_60200_to() {
    let sim = Sim::start().await;
    let reply = sim.post(&create_path(&sim), &[("Channel", "sms")]).await;
    assert_eq!(
        reply.body,
        r#"{"code":60200,"message":"Invalid parameter: To","more_info":"https://www.twilio.com/docs/errors/60200","status":400}"#
    );
}

#[tokio::test]
async fn a_missing_channel_is_60200_channel() {
    let sim = Sim::start().await;
    let reply = sim.post(&create_path(&sim), &[("To", TO)]).await;
    assert_eq!(
        (reply.status, reply.json()["message"].clone()),
        (400, json!("Invalid parameter: Channel"))
    );
}

#[tokio::test]
async fn an_unknown_channel_is_60200_channel() {
    let sim = Sim::start().await;
    let reply = sim
        .post(&create_path(&sim), &[("To", TO), ("Channel", "pigeon")])
        .await;
    assert_eq!(reply.json()["message"], "Invalid parameter: Channel");
}

#[tokio::test]
async fn a_to_with_a_leading_space_from_an_unencoded_plus_is_60200() {
    let sim = Sim::start().await;
    let reply = request(
        sim.addr(),
        "POST",
        &create_path(&sim),
        Some(sim.basic()),
        "To=+61412345678&Channel=sms",
    )
    .await
    .unwrap();
    assert_eq!(
        (reply.status, reply.json()["message"].clone()),
        (400, json!("Invalid parameter: To"))
    );
}

#[tokio::test]
async fn a_to_with_letters_is_60200() {
    let sim = Sim::start().await;
    let reply = sim.create("+61412abc678").await;
    assert_eq!(reply.code(), 60200);
}

#[tokio::test]
async fn a_bare_number_is_60200_when_leniency_is_off() {
    let sim = Sim::start_with(VerifyConfig {
        lenient_to: false,
        ..VerifyConfig::default()
    })
    .await;
    assert_eq!(sim.create("61412345678").await.code(), 60200);
}

#[tokio::test]
async fn a_custom_code_to_a_service_without_custom_codes_is_60204() {
    let sim = Sim::start().await;
    let reply = sim
        .post(
            &create_path(&sim),
            &[("To", TO), ("Channel", "sms"), ("CustomCode", "1234")],
        )
        .await;
    assert_eq!(
        reply.body,
        r#"{"code":60204,"message":"Service does not support this feature","more_info":"https://www.twilio.com/docs/errors/60204","status":403}"#
    );
}

#[tokio::test]
async fn a_custom_code_of_three_characters_is_60200() {
    let mut config = VerifyConfig::default();
    config.services[0].custom_code_enabled = true;
    let sim = Sim::start_with(config).await;
    let reply = sim
        .post(
            &create_path(&sim),
            &[("To", TO), ("Channel", "sms"), ("CustomCode", "123")],
        )
        .await;
    assert_eq!(reply.json()["message"], "Invalid parameter: CustomCode");
}

#[tokio::test]
async fn a_check_code_of_eleven_characters_is_60200() {
    let sim = Sim::start().await;
    sim.create(TO).await;
    let reply = sim.check(TO, "12345678901").await;
    assert_eq!(
        (reply.status, reply.json()["message"].clone()),
        (400, json!("Invalid parameter: Code"))
    );
}

#[tokio::test]
async fn a_check_without_to_or_verification_sid_is_60221() {
    let sim = Sim::start().await;
    let path = format!("/v2/Services/{}/VerificationCheck", sim.service());
    let reply = sim.post(&path, &[("Code", "123456")]).await;
    assert_eq!(
        reply.body,
        r#"{"code":60221,"message":"No target verification specified","more_info":"https://www.twilio.com/docs/errors/60221","status":400}"#
    );
}

#[tokio::test]
async fn a_disabled_channel_is_60223() {
    let mut config = VerifyConfig::default();
    config.services[0].disabled_channels = vec!["sms".into()];
    let sim = Sim::start_with(config).await;
    let reply = sim.create(TO).await;
    assert_eq!((reply.status, reply.code()), (400, 60223));
}

#[tokio::test]
async fn sms_to_the_landline_number_is_60205_when_the_service_skips_landlines() {
    let mut config = VerifyConfig::default();
    config.services[0].skip_sms_to_landlines = true;
    let sim = Sim::start_with(config).await;
    let reply = sim.create("+15005550100").await;
    assert_eq!(
        reply.body,
        r#"{"code":60205,"message":"SMS is not supported by landline phone number","more_info":"https://www.twilio.com/docs/errors/60205","status":403}"#
    );
}

#[tokio::test]
async fn sms_to_the_landline_number_is_sent_when_the_service_does_not_skip_landlines() {
    let sim = Sim::start().await;
    assert_eq!(sim.create("+15005550100").await.status, 201);
}

#[tokio::test]
async fn every_create_magic_number_answers_its_error() {
    let sim = Sim::start().await;
    let expected = [
        ("+150055560200", 400, 60200),
        ("+150055560203", 429, 60203),
        ("+150055560205", 403, 60205),
        ("+150055560212", 429, 60212),
        ("+150055560223", 400, 60223),
        ("+150055560410", 403, 60410),
        ("+150055560605", 403, 60605),
        ("+150055520429", 429, 20429),
    ];
    for (to, status, code) in expected {
        let reply = sim.create(to).await;
        assert_eq!((reply.status, reply.code()), (status, code), "{to}");
    }
    let table_creates = magic_numbers()
        .iter()
        .filter(|m| matches!(m.effect, MagicEffect::CreateError(_)))
        .count();
    assert_eq!(table_creates, expected.len());
}

#[tokio::test]
async fn the_20429_magic_number_carries_retry_after() {
    let sim = Sim::start().await;
    let reply = sim.create("+150055520429").await;
    assert_eq!(reply.header("retry-after"), Some("1"));
    assert_eq!(reply.json()["message"], "Too many requests");
}

#[tokio::test]
async fn magic_numbers_work_without_plus_when_lenient() {
    let sim = Sim::start().await;
    assert_eq!(sim.create("150055560410").await.code(), 60410);
}

#[tokio::test]
async fn risk_check_disable_lets_the_fraud_guard_number_through() {
    let sim = Sim::start().await;
    let reply = sim
        .post(
            &create_path(&sim),
            &[
                ("To", "+150055560410"),
                ("Channel", "sms"),
                ("RiskCheck", "disable"),
            ],
        )
        .await;
    assert_eq!(reply.status, 201);
}

#[tokio::test]
async fn the_check_magic_number_hits_the_check_limit_on_the_first_check() {
    let sim = Sim::start().await;
    assert_eq!(sim.create("+150055560202").await.status, 201);
    let code = sim.code_for("+150055560202");
    let reply = sim.check("+150055560202", &code).await;
    assert_eq!((reply.status, reply.code()), (429, 60202));
}

#[tokio::test]
async fn the_limit_codes_can_be_swapped_to_reproduce_inverted_clients() {
    let sim = Sim::start_with(VerifyConfig {
        limit_codes: LimitCodes::swapped(),
        ..VerifyConfig::default()
    })
    .await;
    for _ in 0..5 {
        sim.create(TO).await;
    }
    let sixth = sim.create(TO).await;
    assert_eq!((sixth.status, sixth.code()), (429, 60202));
    assert_eq!(sixth.json()["message"], "Max send attempts reached");
}

#[tokio::test]
async fn a_hundred_concurrent_creates_to_one_number_give_five_201_and_ninety_five_60203() {
    let sim = std::sync::Arc::new(Sim::start().await);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let sim = sim.clone();
        tasks.spawn(async move {
            let r = sim.create(TO).await;
            let code = if r.status == 201 { 0 } else { r.code() };
            (r.status, code)
        });
    }
    let mut created = 0;
    let mut limited = 0;
    let outcome = tokio::time::timeout(verify_support::TIMEOUT * 3, async {
        while let Some(joined) = tasks.join_next().await {
            match joined.unwrap() {
                (201, _) => created += 1,
                (429, 60203) => limited += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
    })
    .await;
    assert!(outcome.is_ok(), "100 creates did not finish in time");
    assert_eq!((created, limited), (5, 95));
    assert_eq!(sim.fake.verifications().len(), 1);
    assert_eq!(sim.fake.verifications()[0].send_attempts, 5);
}

#[tokio::test]
async fn credentials_are_checked_before_the_path_and_method() {
    let sim = Sim::start().await;
    let unknown = request(sim.addr(), "GET", "/v2/Nothing", None, "")
        .await
        .unwrap();
    assert_eq!((unknown.status, unknown.code()), (401, 20003));
    let wrong_method = request(sim.addr(), "DELETE", &create_path(&sim), None, "")
        .await
        .unwrap();
    assert_eq!(wrong_method.status, 401);
    assert_eq!(
        wrong_method.header("www-authenticate"),
        Some("Basic realm=\"Twilio API\"")
    );
}
