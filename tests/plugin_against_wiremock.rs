//! The plug-in simulator against a stand-in provider made with wiremock: an SMS gateway that
//! checks exactly what RSA sends. This pins the wire format independently of the bundled bridge
//! (which decodes with the same crate that encodes): form fields in order, `+` as `%2B`, a literal
//! `+` as a space, the headers a Java client sends, and the query string for GET.

use rsa_verify_sim::clock::SimClock;
use rsa_verify_sim::journal::Journal;
use rsa_verify_sim::plugin::config::{HttpMethod, PluginConfig};
use rsa_verify_sim::plugin::send::SendContext;
use rsa_verify_sim::plugin::FailureClass;
use rsa_verify_sim::scenario::run::deliver;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn context() -> SendContext {
    SendContext {
        connect_to: None,
        verifier: None,
        journal: Journal::new(),
        clock: SimClock::from_wall_clock(),
        proxy: None,
    }
}

fn config(server: &MockServer, parameters: &str) -> PluginConfig {
    let mut c =
        PluginConfig::integration_guide(&format!("{}/sms", server.uri()), "VA1", "p&ss=w+rd");
    c.parameters = parameters.to_string();
    c
}

#[tokio::test]
async fn a_post_carries_exactly_the_form_body_java_would_encode() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sms"))
        .and(header("content-type", "application/x-www-form-urlencoded; charset=UTF-8"))
        .and(header("user-agent", "Java/17.0.15"))
        .and(body_string(
            "To=%2B61412345678&Customcode=48213765&Channel=sms&verify_sid=VA1&api_secret=p%26ss%3Dw%2Brd",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"status":"pending"}"#))
        .expect(1)
        .mount(&server)
        .await;
    let c = config(
        &server,
        "To=${plus}$msg.address&Customcode=$OTT&Channel=sms&verify_sid=$cfg.user&api_secret=$cfg.password",
    );
    let delivery = deliver(&c, "+61 412 345 678", "48213765", &context()).await;
    assert!(delivery.delivered(), "{:?}", delivery.failure);
}

#[tokio::test]
async fn a_literal_plus_reaches_the_provider_as_a_space() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/sms"))
        .and(query_param("To", " 61412345678"))
        .respond_with(ResponseTemplate::new(400).set_body_string(r#"{"status":400}"#))
        .expect(1)
        .mount(&server)
        .await;
    let mut c = config(&server, "To=+$msg.address&Customcode=$OTT");
    c.method = HttpMethod::GET;
    let delivery = deliver(&c, "+61 412 345 678", "48213765", &context()).await;
    let failure = delivery.failure.expect("a 400 is a failure");
    assert_eq!(failure.class, FailureClass::HttpStatus);
    assert!(
        failure
            .message
            .starts_with("java.io.IOException: Server returned HTTP response code: 400 for URL: "),
        "{}",
        failure.message
    );
}

#[tokio::test]
async fn a_provider_body_that_does_not_match_is_a_failure_with_the_reason() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("RESULT:QUEUED"))
        .expect(1)
        .mount(&server)
        .await;
    let mut c = config(&server, "to=$msg.address&text=$msg.message");
    c.response_format = "RESULT:(\\w+)".into();
    c.success_code = "OK".into();
    let delivery = deliver(&c, "+61 412 345 678", "48213765", &context()).await;
    let failure = delivery.failure.expect("QUEUED is not OK");
    assert_eq!(failure.class, FailureClass::ResponseMismatch);
    assert!(
        failure.diagnosis.contains("\"QUEUED\""),
        "{}",
        failure.diagnosis
    );
}
