//! Contract test: every body the fake produces has exactly the properties of Twilio's official
//! OpenAPI schemas (trimmed copy in `fixtures/verify/verify_v2_schemas.json`), with the right
//! JSON types, in the order of the spec's examples.

mod verify_support;

use regex::Regex;
use rsa_verify_sim::verify::VerifyConfig;
use serde_json::Value;
use verify_support::{request, Reply, Sim};

const SCHEMAS: &str = include_str!("../fixtures/verify/verify_v2_schemas.json");
const TO: &str = "+61412345678";

fn schema(name: &str) -> Value {
    let all: Value = serde_json::from_str(SCHEMAS).expect("the schema file is JSON");
    assert!(all["_source"]
        .as_str()
        .is_some_and(|s| s.contains("twilio_verify_v2.json")));
    all["schemas"][name].clone()
}

fn type_matches(ty: &str, v: &Value) -> bool {
    match ty {
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    }
}

/// The keys of the top-level object of a compact JSON text, in order.
fn top_level_keys(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut current = String::new();
    let mut expecting_key = false;
    for c in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
                if depth == 1 && expecting_key {
                    keys.push(std::mem::take(&mut current));
                    expecting_key = false;
                }
                continue;
            }
            if depth == 1 && expecting_key {
                current.push(c);
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => {
                depth += 1;
                expecting_key = depth == 1;
            }
            '}' | ']' => depth -= 1,
            ',' => expecting_key = depth == 1,
            _ => {}
        }
    }
    keys
}

/// Checks `reply` against schema `name`; returns every violation.
fn violations(name: &str, reply: &Reply) -> Vec<String> {
    let schema = schema(name);
    let body = reply.json();
    let Some(obj) = body.as_object() else {
        return vec![format!("{name}: body is not an object")];
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let props = schema["properties"].as_object().unwrap();
    let mut out = Vec::new();
    for key in obj.keys() {
        if !props.contains_key(key) {
            out.push(format!("{name}: unknown property {key}"));
        }
    }
    for key in &required {
        if !obj.contains_key(*key) {
            out.push(format!("{name}: missing property {key}"));
        }
    }
    let order: Vec<String> = top_level_keys(&reply.body)
        .into_iter()
        .filter(|k| required.contains(&k.as_str()))
        .collect();
    if order != required {
        out.push(format!(
            "{name}: property order {order:?} differs from the spec's {required:?}"
        ));
    }
    let iso = Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$").unwrap();
    for (key, value) in obj {
        let Some(p) = props.get(key) else { continue };
        if value.is_null() {
            if p["nullable"] != Value::Bool(true) {
                out.push(format!("{name}.{key}: null but not nullable"));
            }
            continue;
        }
        if let Some(ty) = p["type"].as_str() {
            if !type_matches(ty, value) {
                out.push(format!("{name}.{key}: {value} is not a {ty}"));
            }
        }
        if let Some(allowed) = p["enum"].as_array() {
            if !allowed.contains(value) {
                out.push(format!("{name}.{key}: {value} not in {allowed:?}"));
            }
        }
        let Some(text) = value.as_str() else { continue };
        if let Some(pattern) = p["pattern"].as_str() {
            if !Regex::new(pattern).unwrap().is_match(text) {
                out.push(format!("{name}.{key}: {text} does not match {pattern}"));
            }
        }
        let len = text.chars().count() as u64;
        if p["minLength"].as_u64().is_some_and(|min| len < min)
            || p["maxLength"].as_u64().is_some_and(|max| len > max)
        {
            out.push(format!("{name}.{key}: length {len} out of range"));
        }
        match p["format"].as_str() {
            Some("date-time") if !iso.is_match(text) => {
                out.push(format!("{name}.{key}: {text} is not ISO 8601 with Z"));
            }
            Some("uri") if !text.starts_with("https://") => {
                out.push(format!("{name}.{key}: {text} is not an absolute https URI"));
            }
            _ => {}
        }
    }
    out
}

fn assert_conforms(name: &str, reply: &Reply) {
    let v = violations(name, reply);
    assert!(v.is_empty(), "{v:#?}\nbody: {}", reply.body);
}

#[tokio::test]
async fn create_bodies_match_the_verification_schema() {
    let mut config = VerifyConfig::default();
    config.services[0].lookup_enabled = true;
    let sim = Sim::start_with(config).await;
    let first = sim.create(TO).await;
    assert_eq!(first.status, 201);
    assert_conforms("verification", &first);
    assert_conforms("verification", &sim.create(TO).await);
    let path = format!("/v2/Services/{}/Verifications", sim.service());
    let email = sim
        .post(&path, &[("To", "a@example.com"), ("Channel", "email")])
        .await;
    assert_conforms("verification", &email);
    let whatsapp = sim
        .post(&path, &[("To", "+61412000000"), ("Channel", "whatsapp")])
        .await;
    assert_conforms("verification", &whatsapp);
}

#[tokio::test]
async fn fetch_and_update_bodies_match_the_verification_schema() {
    let sim = Sim::start().await;
    let sid = sim.create(TO).await.json()["sid"]
        .as_str()
        .unwrap()
        .to_string();
    assert_conforms("verification", &sim.fetch(&sid).await);
    let canceled = sim.update(&sid, "canceled").await;
    assert_eq!(canceled.status, 200);
    assert_conforms("verification", &canceled);
    assert_conforms("verification", &sim.fetch(&sid).await);
    let other = sim.create("+61412999999").await.json()["sid"]
        .as_str()
        .unwrap()
        .to_string();
    assert_conforms("verification", &sim.update(&other, "approved").await);
}

#[tokio::test]
async fn check_bodies_match_the_verification_check_schema() {
    let sim = Sim::start().await;
    sim.create(TO).await;
    let wrong = sim.check(TO, "0000").await;
    assert_eq!(wrong.status, 200);
    assert_conforms("verification_check", &wrong);
    let right = sim.check(TO, &sim.code_for(TO)).await;
    assert_eq!(right.json()["status"], "approved");
    assert_conforms("verification_check", &right);
}

#[tokio::test]
async fn error_bodies_match_the_error_schema() {
    let sim = Sim::start().await;
    let path = format!("/v2/Services/{}/Verifications", sim.service());
    let replies = vec![
        sim.post(&path, &[("Channel", "sms")]).await,
        request(sim.addr(), "POST", &path, None, "").await.unwrap(),
        sim.fetch("VE00000000000000000000000000000000").await,
        sim.create("+150055520429").await,
        sim.get(&path).await,
        sim.get("/nowhere").await,
    ];
    for reply in &replies {
        assert!(reply.status >= 400, "{reply:?}");
        let v: Vec<String> = violations("error", reply)
            .into_iter()
            .filter(|v| !v.contains("unknown property detail"))
            .collect();
        assert!(v.is_empty(), "{v:#?}\nbody: {}", reply.body);
        assert_eq!(reply.json()["status"], reply.status);
    }
}

#[test]
fn the_validator_rejects_an_unknown_a_missing_and_a_mistyped_property() {
    let reply = Reply {
        status: 200,
        headers: Vec::new(),
        body: r#"{"sid":"VE00000000000000000000000000000000","extra":1,"valid":"yes"}"#.into(),
    };
    let v = violations("verification_check", &reply);
    assert!(
        v.iter().any(|m| m.contains("unknown property extra")),
        "{v:?}"
    );
    assert!(
        v.iter().any(|m| m.contains("missing property service_sid")),
        "{v:?}"
    );
    assert!(
        v.iter()
            .any(|m| m.contains("valid: \"yes\" is not a boolean")),
        "{v:?}"
    );
}
