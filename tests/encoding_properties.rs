//! Properties of the plug-in's Parameters encoding, checked on generated inputs:
//! strict splitting delivers every value intact, the naive-splitting prediction is what a server
//! decodes, and nothing in rendering, request building or validation panics on any input.

use proptest::prelude::*;
use rsa_verify_sim::plugin::config::{GetQuery, Quirks};
use rsa_verify_sim::plugin::encode::{form_decode, url_encode, Splitting};
use rsa_verify_sim::plugin::template::{
    predict_naive_corruption, render_message, render_parameters, render_text, Vars,
};
use rsa_verify_sim::plugin::{address, request, validate, HttpMethod, PluginConfig};

/// Text that is mostly the characters that matter to form encoding and templates, plus any Unicode.
fn tricky_text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        4 => any::<char>(),
        1 => Just('&'),
        1 => Just('='),
        1 => Just('+'),
        1 => Just('%'),
        1 => Just(' '),
        1 => Just('4'),
        1 => Just('1'),
        1 => Just('ü'),
    ];
    prop::collection::vec(c, 0..16).prop_map(String::from_iter)
}

/// Template-ish text: references, braces, escapes and form syntax in any order.
fn template_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("$".to_string()),
        Just("${".to_string()),
        Just("}".to_string()),
        Just("$!".to_string()),
        Just("\\".to_string()),
        Just(".".to_string()),
        Just("msg.address".to_string()),
        Just("msg.message".to_string()),
        Just("$OTT".to_string()),
        Just("${plus}".to_string()),
        Just("$cfg.password".to_string()),
        Just("&".to_string()),
        Just("=".to_string()),
        Just("+".to_string()),
        Just("<".to_string()),
        "[a-z0-9]{1,3}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

fn vars_strategy() -> impl Strategy<Value = Vars> {
    (
        tricky_text(),
        tricky_text(),
        tricky_text(),
        tricky_text(),
        tricky_text(),
    )
        .prop_map(|(address, ott, user, password, message)| Vars {
            address,
            message,
            ott,
            user,
            password,
            lifetime: "60".to_string(),
        })
}

const FOUR_FIELDS: &str = "a=$msg.address&b=$OTT&c=$cfg.user&d=$cfg.password";

proptest! {
    // Failures are reported with their minimal input; no regression file is written into the tree.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn strict_splitting_delivers_every_substituted_value_intact(vars in vars_strategy()) {
        let wire = render_parameters(FOUR_FIELDS, &vars, Splitting::Strict).unwrap();
        let expected = vec![
            ("a".to_string(), vars.address.clone()),
            ("b".to_string(), vars.ott.clone()),
            ("c".to_string(), vars.user.clone()),
            ("d".to_string(), vars.password.clone()),
        ];
        prop_assert_eq!(form_decode(&wire), expected);
    }

    #[test]
    fn strict_splitting_puts_only_url_encoded_values_on_the_wire(vars in vars_strategy()) {
        let wire = render_parameters(FOUR_FIELDS, &vars, Splitting::Strict).unwrap();
        let expected = format!(
            "a={}&b={}&c={}&d={}",
            url_encode(&vars.address),
            url_encode(&vars.ott),
            url_encode(&vars.user),
            url_encode(&vars.password)
        );
        prop_assert_eq!(wire, expected);
    }

    #[test]
    fn the_naive_prediction_is_what_a_server_decodes(
        vars in vars_strategy(),
        template in prop_oneof![Just(FOUR_FIELDS.to_string()), template_text()],
    ) {
        if let Ok(wire) = render_parameters(&template, &vars, Splitting::Naive) {
            let predicted = predict_naive_corruption(&template, &vars).unwrap();
            prop_assert_eq!(form_decode(&wire), predicted);
        } else {
            prop_assert!(predict_naive_corruption(&template, &vars).is_err());
        }
    }

    #[test]
    fn naive_splitting_changes_nothing_when_values_hold_no_form_syntax(
        vars in vars_strategy().prop_map(|v| {
            let clean = |s: &str| s.replace(['&', '=', '+', '%'], "");
            Vars {
                address: clean(&v.address),
                ott: clean(&v.ott),
                user: clean(&v.user),
                password: clean(&v.password),
                ..v
            }
        })
    ) {
        let strict = form_decode(&render_parameters(FOUR_FIELDS, &vars, Splitting::Strict).unwrap());
        prop_assert_eq!(predict_naive_corruption(FOUR_FIELDS, &vars).unwrap(), strict);
    }

    #[test]
    fn rendering_never_panics_on_any_template(
        template in template_text(),
        vars in vars_strategy(),
        escape in any::<bool>(),
    ) {
        let strict = render_parameters(&template, &vars, Splitting::Strict);
        let naive = render_parameters(&template, &vars, Splitting::Naive);
        let text = render_text(&template, &vars, escape);
        let message = render_message(&template, &vars.ott, 60);
        // A template either renders in every mode or fails in every mode, at the same place.
        prop_assert_eq!(strict.is_ok(), naive.is_ok());
        prop_assert_eq!(strict.is_ok(), text.is_ok());
        if let (Err(a), Err(b)) = (&strict, &message) {
            prop_assert_eq!(a.position, b.position);
        }
    }

    #[test]
    fn normalising_a_number_never_panics_and_yields_digits_only(
        raw in tricky_text(),
        code in proptest::option::of("[+0-9A-Z]{0,4}"),
        trunk in any::<bool>(),
    ) {
        if let Ok(digits) = address::normalise(&raw, code.as_deref(), trunk) {
            prop_assert!(!digits.is_empty());
            prop_assert!(digits.chars().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn building_and_validating_never_panic_on_any_configuration(
        base_url in prop_oneof![
            Just("https://demo-1234.twil.io/k3v9q".to_string()),
            Just("http://h:8080/x?y=1".to_string()),
            tricky_text().prop_map(|s| format!("https://{s}")),
            tricky_text(),
        ],
        method in 0..3u8,
        parameters in template_text(),
        xml_body in proptest::option::of(template_text()),
        message_template in template_text(),
        user in tricky_text(),
        password in tricky_text(),
        code in proptest::option::of("[+0-9A-Z]{0,4}"),
        lifetime in 0..100u32,
        mobile in tricky_text(),
        tokencode in tricky_text(),
        naive in any::<bool>(),
        merge in any::<bool>(),
        xml_escape in any::<bool>(),
        drop_trunk_zero in any::<bool>(),
        response_format in prop_oneof![
            Just(r#".*status":\s?"([a-zA-Z]*)"#.to_string()),
            Just("(unclosed".to_string()),
            Just(String::new()),
        ],
    ) {
        let config = PluginConfig {
            method: [HttpMethod::GET, HttpMethod::POST, HttpMethod::XML][usize::from(method)],
            parameters,
            xml_body,
            default_country_code: code,
            message_template,
            lifetime_minutes: lifetime,
            response_format,
            quirks: Quirks {
                splitting: if naive { Splitting::Naive } else { Splitting::Strict },
                get_query: if merge { GetQuery::Merge } else { GetQuery::Naive },
                xml_escape,
                drop_trunk_zero,
                ..Quirks::default()
            },
            ..PluginConfig::integration_guide(&base_url, &user, &password)
        };
        let validation = validate::validate_for(&config, Some(&mobile), Some(&tokencode));
        let built = request::build(&config, &mobile, &tokencode);
        let _ = request::warnings(&config, &mobile);
        // build refuses exactly what the console refuses.
        prop_assert_eq!(built.is_ok(), validation.accepted());
        if let Ok(req) = built {
            prop_assert_eq!(req.method, config.method.verb());
        }
    }
}
