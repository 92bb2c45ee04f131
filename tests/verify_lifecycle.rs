//! The verification lifecycle over real HTTP: create, resend, check, fetch, update, expiry.

mod verify_support;

use serde_json::json;
use verify_support::Sim;

const TO: &str = "+61412345678";

#[tokio::test]
async fn create_answers_201_with_twilios_full_verification_body() {
    let sim = Sim::start().await;
    let reply = sim.create(TO).await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let body = reply.json();
    let sid = body["sid"].as_str().unwrap().to_string();
    let attempt_sid = body["send_code_attempts"][0]["attempt_sid"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(sid.starts_with("VE") && sid.len() == 34, "{sid}");
    assert!(attempt_sid.starts_with("VL") && attempt_sid.len() == 34);
    let service = sim.service();
    let expected = format!(
        r#"{{"sid":"{sid}","service_sid":"{service}","account_sid":"{account}","to":"+61412345678","channel":"sms","status":"pending","valid":false,"date_created":"2026-01-15T09:00:00Z","date_updated":"2026-01-15T09:00:00Z","lookup":{{}},"amount":null,"payee":null,"send_code_attempts":[{{"time":"2026-01-15T09:00:00Z","channel":"SMS","attempt_sid":"{attempt_sid}"}}],"sna":null,"url":"https://verify.twilio.com/v2/Services/{service}/Verifications/{sid}"}}"#,
        account = sim.config.account_sid
    );
    assert_eq!(reply.body, expected);
}

#[tokio::test]
async fn a_to_without_plus_is_accepted_and_echoed_with_plus() {
    let sim = Sim::start().await;
    let reply = sim.create("61412345678").await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.json()["to"], "+61412345678");
}

#[tokio::test]
async fn a_resend_within_the_lifetime_returns_the_same_sid_and_code_and_appends_an_attempt() {
    let sim = Sim::start().await;
    let first = sim.create(TO).await.json();
    let code = sim.code_for(TO);
    sim.clock.advance(time::Duration::minutes(2));
    let second = sim.create(TO).await.json();
    assert_eq!(first["sid"], second["sid"]);
    assert_eq!(sim.code_for(TO), code);
    let attempts = second["send_code_attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[1]["time"], "2026-01-15T09:02:00Z");
    assert_eq!(second["date_updated"], "2026-01-15T09:02:00Z");
    assert_eq!(second["date_created"], "2026-01-15T09:00:00Z");
}

#[tokio::test]
async fn sixth_send_to_one_number_is_rejected_with_60203() {
    let sim = Sim::start().await;
    for _ in 0..5 {
        assert_eq!(sim.create(TO).await.status, 201);
    }
    let sixth = sim.create(TO).await;
    assert_eq!(sixth.status, 429);
    assert_eq!(
        sixth.body,
        r#"{"code":60203,"message":"Max send attempts reached","more_info":"https://www.twilio.com/docs/errors/60203","status":429}"#
    );
}

#[tokio::test]
async fn a_wrong_code_answers_200_pending() {
    let sim = Sim::start().await;
    sim.create(TO).await;
    let reply = sim.check(TO, "0000000").await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body["status"], "pending");
    assert_eq!(body["valid"], false);
    assert_eq!(sim.fake.latest_for(TO).unwrap().check_attempts, 1);
}

#[tokio::test]
async fn the_right_code_answers_200_approved_with_the_check_body() {
    let sim = Sim::start().await;
    let created = sim.create(TO).await.json();
    sim.clock.advance(time::Duration::seconds(30));
    let reply = sim.check(TO, &sim.code_for(TO)).await;
    assert_eq!(reply.status, 200);
    let expected = format!(
        r#"{{"sid":"{}","service_sid":"{}","account_sid":"{}","to":"+61412345678","channel":"sms","status":"approved","valid":true,"amount":null,"payee":null,"sna_attempts_error_codes":[],"date_created":"2026-01-15T09:00:00Z","date_updated":"2026-01-15T09:00:30Z"}}"#,
        created["sid"].as_str().unwrap(),
        sim.service(),
        sim.config.account_sid
    );
    assert_eq!(reply.body, expected);
}

#[tokio::test]
async fn an_approved_verification_is_gone_for_fetch_and_check() {
    let sim = Sim::start().await;
    let sid = sim.create(TO).await.json()["sid"]
        .as_str()
        .unwrap()
        .to_string();
    let code = sim.code_for(TO);
    assert_eq!(sim.check(TO, &code).await.json()["status"], "approved");
    let fetch = sim.fetch(&sid).await;
    assert_eq!(fetch.status, 404);
    assert_eq!(
        fetch.json()["message"],
        format!(
            "The requested resource /Services/{}/Verifications/{sid} was not found",
            sim.service()
        )
    );
    let again = sim.check(TO, &code).await;
    assert_eq!((again.status, again.code()), (404, 20404));
    assert_eq!(
        again.json()["message"],
        format!(
            "The requested resource /Services/{}/VerificationCheck was not found",
            sim.service()
        )
    );
}

#[tokio::test]
async fn sixth_wrong_check_is_rejected_with_60202_and_max_attempts_reached() {
    let sim = Sim::start().await;
    let sid = sim.create(TO).await.json()["sid"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..5 {
        assert_eq!(sim.check(TO, "999999999").await.json()["status"], "pending");
    }
    let sixth = sim.check(TO, "999999999").await;
    assert_eq!(sixth.status, 429);
    assert_eq!(
        sixth.body,
        r#"{"code":60202,"message":"Max check attempts reached","more_info":"https://www.twilio.com/docs/errors/60202","status":429}"#
    );
    let fetched = sim.fetch(&sid).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.json()["status"], "max_attempts_reached");
}

#[tokio::test]
async fn a_check_after_the_ttl_on_the_sim_clock_is_404() {
    let sim = Sim::start().await;
    let sid = sim.create(TO).await.json()["sid"]
        .as_str()
        .unwrap()
        .to_string();
    let code = sim.code_for(TO);
    sim.clock.advance(time::Duration::minutes(10));
    let reply = sim.check(TO, &code).await;
    assert_eq!((reply.status, reply.code()), (404, 20404));
    assert_eq!(sim.fetch(&sid).await.status, 404);
    assert_eq!(sim.fake.verifications()[0].status, "expired");
}

#[tokio::test]
async fn a_check_just_before_the_ttl_still_approves() {
    let sim = Sim::start().await;
    sim.create(TO).await;
    sim.clock
        .advance(time::Duration::minutes(10) - time::Duration::seconds(1));
    let reply = sim.check(TO, &sim.code_for(TO)).await;
    assert_eq!(reply.json()["status"], "approved");
}

#[tokio::test]
async fn a_check_for_a_number_that_never_had_a_verification_is_404() {
    let sim = Sim::start().await;
    let reply = sim.check("+61400000000", "123456").await;
    assert_eq!((reply.status, reply.code()), (404, 20404));
}

#[tokio::test]
async fn a_check_by_verification_sid_approves() {
    let sim = Sim::start().await;
    let sid = sim.create(TO).await.json()["sid"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/v2/Services/{}/VerificationCheck", sim.service());
    let code = sim.code_for(TO);
    let reply = sim
        .post(&path, &[("VerificationSid", &sid), ("Code", &code)])
        .await;
    assert_eq!(reply.json()["status"], "approved");
    assert_eq!(reply.json()["sid"], json!(sid));
}

#[tokio::test]
async fn fetch_returns_the_pending_verification() {
    let sim = Sim::start().await;
    let created = sim.create(TO).await;
    let fetched = sim.fetch(created.json()["sid"].as_str().unwrap()).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body, created.body);
}

#[tokio::test]
async fn a_canceled_verification_stays_fetchable_but_cannot_be_checked() {
    let sim = Sim::start().await;
    let sid = sim.create(TO).await.json()["sid"]
        .as_str()
        .unwrap()
        .to_string();
    let canceled = sim.update(&sid, "canceled").await;
    assert_eq!(canceled.status, 200);
    assert_eq!(canceled.json()["status"], "canceled");
    assert_eq!(canceled.json()["valid"], false);
    assert_eq!(sim.fetch(&sid).await.json()["status"], "canceled");
    let check = sim.check(TO, &sim.code_for(TO)).await;
    assert_eq!(check.code(), 20404);
}

#[tokio::test]
async fn a_cancel_clears_the_send_limit_so_a_new_verification_starts() {
    let sim = Sim::start().await;
    let sid = sim.create(TO).await.json()["sid"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..4 {
        sim.create(TO).await;
    }
    sim.update(&sid, "canceled").await;
    let fresh = sim.create(TO).await;
    assert_eq!(fresh.status, 201);
    assert_ne!(fresh.json()["sid"], json!(sid));
}

#[tokio::test]
async fn update_to_approved_answers_valid_true() {
    let sim = Sim::start().await;
    let sid = sim.create(TO).await.json()["sid"]
        .as_str()
        .unwrap()
        .to_string();
    let reply = sim.update(&sid, "approved").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        (
            reply.json()["status"].clone(),
            reply.json()["valid"].clone()
        ),
        (json!("approved"), json!(true))
    );
}

#[tokio::test]
async fn update_with_another_status_is_60200() {
    let sim = Sim::start().await;
    let sid = sim.create(TO).await.json()["sid"]
        .as_str()
        .unwrap()
        .to_string();
    let reply = sim.update(&sid, "pending").await;
    assert_eq!(
        (reply.status, reply.json()["message"].clone()),
        (400, json!("Invalid parameter: Status"))
    );
}

#[tokio::test]
async fn update_of_an_unknown_sid_is_404() {
    let sim = Sim::start().await;
    let reply = sim
        .update("VE00000000000000000000000000000000", "canceled")
        .await;
    assert_eq!((reply.status, reply.code()), (404, 20404));
}

#[tokio::test]
async fn a_custom_code_is_the_code_when_the_service_allows_it() {
    let mut config = rsa_verify_sim::verify::VerifyConfig::default();
    config.services[0].custom_code_enabled = true;
    let sim = Sim::start_with(config).await;
    let path = format!("/v2/Services/{}/Verifications", sim.service());
    let reply = sim
        .post(
            &path,
            &[("To", TO), ("Channel", "sms"), ("CustomCode", "4242")],
        )
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(sim.check(TO, "4242").await.json()["status"], "approved");
}

#[tokio::test]
async fn generated_codes_have_the_services_length() {
    let mut config = rsa_verify_sim::verify::VerifyConfig::default();
    config.services[0].code_length = 8;
    let sim = Sim::start_with(config).await;
    sim.create(TO).await;
    let code = sim.code_for(TO);
    assert_eq!(code.len(), 8);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
}

#[tokio::test]
async fn lookup_holds_a_carrier_when_the_service_does_lookups() {
    let mut config = rsa_verify_sim::verify::VerifyConfig::default();
    config.services[0].lookup_enabled = true;
    let sim = Sim::start_with(config).await;
    let body = sim.create(TO).await.json();
    assert_eq!(
        body["lookup"],
        json!({"carrier":{"mobile_country_code":"310","type":"mobile","error_code":null,"mobile_network_code":"456","name":"Sim Mobile"}})
    );
}

#[tokio::test]
async fn an_email_verification_records_an_upper_case_email_attempt() {
    let sim = Sim::start().await;
    let path = format!("/v2/Services/{}/Verifications", sim.service());
    let reply = sim
        .post(&path, &[("To", "user@example.com"), ("Channel", "email")])
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.json()["send_code_attempts"][0]["channel"], "EMAIL");
    assert_eq!(reply.json()["channel"], "email");
}

#[tokio::test]
async fn dates_follow_the_sim_clock_not_the_wall_clock() {
    let sim = Sim::start().await;
    sim.clock.advance(time::Duration::days(400));
    let body = sim.create(TO).await.json();
    assert_eq!(body["date_created"], "2027-02-19T09:00:00Z");
}
