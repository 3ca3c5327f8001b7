//! Every provider end to end: the real binary and a real PostgreSQL against
//! fake Gemini, Azure OpenAI (both URL shapes), Ollama and keyless
//! OpenAI-compatible servers. Asserts the rows, the request each provider
//! was sent (path, headers, body), each provider's errors, Ollama
//! auto-detection, `glance models`, and `\model` switching mid-session.

use serde_json::Value as Json;

use crate::fake_llm::{FakeLlm, KEY, OLLAMA_MODELS, Reply};
use crate::harness::{self, Cmd, Output, TestDb, glance};

/// Three films, so a count is recognisable.
fn films(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(
        "create table films (id int primary key, title text not null);
         comment on table films is 'Films in the catalogue';
         insert into films values (1, 'Alien'), (2, 'Brazil'), (3, 'Casablanca');",
    );
    db
}

fn count_reply() -> Reply {
    Reply::text("Counting them.\n\n```sql\nselect count(*) as n from films\n```\n")
}

fn with_env(mut cmd: Cmd, env: &[(&'static str, String)]) -> Cmd {
    for (name, value) in env {
        cmd = cmd.env(*name, value);
    }
    cmd
}

/// `glance ask --format json "how many films?"` with `env` and `args`.
fn ask_json(db: &TestDb, env: &[(&'static str, String)], args: &[&str]) -> Output {
    let cmd = glance()
        .args(["ask", "-d", db.url(), "--format", "json"])
        .args(args.iter().copied())
        .arg("how many films?");
    with_env(cmd, env).run()
}

/// The answer's rows and the provider, model and tokens reported.
fn check_counted(out: &Output, provider: &str, model: &str, tokens: (u64, u64)) {
    out.success();
    let doc = out.json();
    assert_eq!(doc["rows"][0]["n"], 3, "{out}");
    assert_eq!(doc["llm"]["provider"], provider, "{out}");
    assert_eq!(doc["llm"]["model"], model, "{out}");
    assert_eq!(doc["llm"]["input_tokens"], tokens.0, "{out}");
    assert_eq!(doc["llm"]["output_tokens"], tokens.1, "{out}");
}

/// A port where nothing listens.
fn dead_host() -> String {
    format!("127.0.0.1:{}", harness::free_port())
}

fn first_text(value: &Json) -> String {
    value.as_str().unwrap_or_default().to_string()
}

#[test]
fn gemini_answers_with_system_instruction_and_the_key_header() {
    let db = films("prov_gemini");
    let fake = FakeLlm::gemini(vec![count_reply()]);
    fake.set_usage(31, 9);
    let out = ask_json(&db, &fake.env(), &[]);
    check_counted(&out, "gemini", "gemini-3.5-flash", (31, 9));
    let requests = fake.requests();
    assert_eq!(requests.len(), 1, "{out}");
    let request = &requests[0];
    assert_eq!(
        request.path,
        "/v1beta/models/gemini-3.5-flash:streamGenerateContent?alt=sse"
    );
    assert_eq!(request.header("x-goog-api-key"), Some(KEY));
    assert_eq!(request.header("authorization"), None);
    let body = &request.body;
    let system = first_text(&body["systemInstruction"]["parts"][0]["text"]);
    assert!(
        system.contains("films") && system.contains("Films in the catalogue"),
        "{system}"
    );
    assert_eq!(body["contents"][0]["role"], "user");
    assert!(first_text(&body["contents"][0]["parts"][0]["text"]).contains("how many films?"));
    assert!(body["generationConfig"]["maxOutputTokens"].as_u64() > Some(0));
    assert!(!out.stderr.contains(KEY) && !out.stdout.contains(KEY));
}

#[test]
fn gemini_takes_google_api_key_and_a_model_by_flag() {
    let db = films("prov_gemini_google");
    let fake = FakeLlm::gemini(vec![count_reply()]);
    let env = [
        ("GEMINI_BASE_URL", fake.url()),
        ("GOOGLE_API_KEY", KEY.to_string()),
    ];
    let out = ask_json(&db, &env, &["--model", "gemini-2.5-pro"]);
    check_counted(&out, "gemini", "gemini-2.5-pro", (812, 64));
    assert!(fake.requests()[0].path.contains("/models/gemini-2.5-pro:"));
}

#[test]
fn gemini_errors_name_the_key_the_model_and_the_safety_reason() {
    let db = films("prov_gemini_errors");
    let fake = FakeLlm::gemini(vec![Reply::Blocked("SAFETY".into())]);
    let wrong_key = [
        ("GEMINI_BASE_URL", fake.url()),
        ("GEMINI_API_KEY", "AIza-wrong".to_string()),
    ];
    let out = ask_json(&db, &wrong_key, &[]);
    out.code(1)
        .stderr_has("gemini rejected the API key (HTTP 400")
        .stderr_has("API key not valid")
        .stderr_has("check GEMINI_API_KEY")
        .never_shows("AIza-wrong");

    let google = [
        ("GEMINI_BASE_URL", fake.url()),
        ("GOOGLE_API_KEY", "AIza-wrong".to_string()),
    ];
    ask_json(&db, &google, &[])
        .code(1)
        .stderr_has("check GOOGLE_API_KEY");

    let out = ask_json(&db, &fake.env(), &["--model", "gemini-9"]);
    out.code(1)
        .stderr_has("gemini does not offer the model `gemini-9`")
        .stderr_has("models/gemini-9 is not found");

    let out = ask_json(&db, &fake.env(), &[]);
    out.code(1)
        .stderr_has("gemini (gemini-3.5-flash) blocked the answer")
        .stderr_has("SAFETY");
    assert_eq!(fake.remaining(), 0);
}

#[test]
fn azure_classic_urls_carry_deployment_api_version_and_api_key() {
    let db = films("prov_azure");
    let fake = FakeLlm::azure(vec![count_reply(), count_reply()]);
    fake.set_usage(120, 15);
    let out = ask_json(&db, &fake.env(), &["--model", "prod-gpt"]);
    check_counted(&out, "azure", "prod-gpt", (120, 15));
    let mut env = fake.env();
    env.push(("AZURE_OPENAI_API_VERSION", "2025-04-01-preview".into()));
    env.push(("GLANCE_MODEL", "prod-gpt".into()));
    ask_json(&db, &env, &[]).success();
    let requests = fake.requests();
    assert_eq!(
        requests[0].path,
        "/openai/deployments/prod-gpt/chat/completions?api-version=2024-10-21"
    );
    assert_eq!(
        requests[1].path,
        "/openai/deployments/prod-gpt/chat/completions?api-version=2025-04-01-preview"
    );
    for request in &requests {
        assert_eq!(request.header("api-key"), Some(KEY));
        assert_eq!(request.header("authorization"), None);
        assert_eq!(request.body["messages"][0]["role"], "system");
        assert_eq!(request.body["stream_options"]["include_usage"], true);
    }
}

#[test]
fn azure_v1_urls_put_the_deployment_in_the_body() {
    let db = films("prov_azure_v1");
    let fake = FakeLlm::azure_v1(vec![count_reply()]);
    let out = ask_json(
        &db,
        &fake.env(),
        &["--provider", "azure", "--model", "prod-gpt"],
    );
    check_counted(&out, "azure", "prod-gpt", (812, 64));
    let request = &fake.requests()[0];
    assert_eq!(request.path, "/openai/v1/chat/completions");
    assert_eq!(request.body["model"], "prod-gpt");
    assert_eq!(request.header("api-key"), Some(KEY));
}

#[test]
fn azure_errors_name_the_key_the_deployment_and_missing_settings() {
    let db = films("prov_azure_errors");
    let fake = FakeLlm::azure(vec![Reply::Status(404, String::new(), None)]);
    let wrong_key = [
        ("AZURE_OPENAI_ENDPOINT", fake.url()),
        ("AZURE_OPENAI_API_KEY", "wrong".to_string()),
    ];
    ask_json(&db, &wrong_key, &["--model", "prod-gpt"])
        .code(1)
        .stderr_has("azure rejected the API key (HTTP 401")
        .stderr_has("check AZURE_OPENAI_API_KEY");
    ask_json(&db, &fake.env(), &["--model", "nope"])
        .code(1)
        .stderr_has("azure does not offer the model `nope`")
        .stderr_has("deployment for this resource does not exist");
    ask_json(&db, &fake.env(), &["--provider", "azure"])
        .code(1)
        .stderr_has("the deployment is not set")
        .stderr_has("--model DEPLOYMENT");
    let key_only = [("AZURE_OPENAI_API_KEY", KEY.to_string())];
    ask_json(&db, &key_only, &["--provider", "azure", "--model", "d"])
        .code(1)
        .stderr_has("AZURE_OPENAI_ENDPOINT is not set");
}

#[test]
fn ollama_answers_through_native_chat_with_its_token_counts() {
    let db = films("prov_ollama");
    let fake = FakeLlm::ollama(vec![count_reply()]);
    fake.set_usage(26, 282);
    let out = ask_json(
        &db,
        &fake.env(),
        &["--provider", "ollama", "--model", "llama3.2"],
    );
    check_counted(&out, "ollama", "llama3.2", (26, 282));
    assert!(
        !out.stderr.contains("using Ollama"),
        "named, so no notice\n{out}"
    );
    let requests = fake.requests();
    let chat = requests.last().expect("a chat request");
    assert_eq!(
        (chat.method.as_str(), chat.path.as_str()),
        ("POST", "/api/chat")
    );
    assert_eq!(chat.body["model"], "llama3.2");
    assert_eq!(chat.body["stream"], true);
    assert_eq!(chat.body["messages"][0]["role"], "system");
    assert!(first_text(&chat.body["messages"][0]["content"]).contains("films"));
    assert_eq!(chat.body["messages"][1]["role"], "user");
    assert!(chat.body["options"]["num_predict"].as_u64() > Some(0));
}

#[test]
fn a_running_ollama_is_used_when_nothing_else_is_configured_and_says_so() {
    let db = films("prov_ollama_auto");
    let fake = FakeLlm::ollama(vec![count_reply()]);
    let out = ask_json(&db, &fake.env(), &[]);
    check_counted(&out, "ollama", OLLAMA_MODELS[0], (812, 64));
    out.stderr_has(&format!(
        "using Ollama at http://{} (model {}); set a provider to change this",
        fake.url(),
        OLLAMA_MODELS[0]
    ));
    let requests = fake.requests();
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("GET", "/api/tags")
    );
    assert_eq!(requests[1].body["model"], OLLAMA_MODELS[0]);

    let keyed = FakeLlm::openai(vec![count_reply()]);
    let mut env = keyed.env();
    env.extend(fake.env());
    ask_json(&db, &env, &[]).success();
    assert_eq!(fake.requests().len(), 2, "a key wins: Ollama is not probed");
}

#[test]
fn ollama_not_running_or_without_the_model_says_what_to_do() {
    let db = films("prov_ollama_errors");
    let host = dead_host();
    ask_json(
        &db,
        &[("OLLAMA_HOST", host.clone())],
        &["--provider", "ollama"],
    )
    .code(1)
    .stderr_has(&format!("Ollama is not running at http://{host}"))
    .stderr_has("ollama serve");
    let out = glance()
        .args(["ask", "-d", db.url(), "how many films?"])
        .env("OLLAMA_HOST", host)
        .run();
    out.code(1).stderr_has("none is configured");

    let fake = FakeLlm::ollama(vec![count_reply()]);
    ask_json(
        &db,
        &fake.env(),
        &["--provider", "ollama", "--model", "llama9"],
    )
    .code(1)
    .stderr_has("Ollama does not have the model `llama9`")
    .stderr_has("ollama pull llama9");
    // The answer was ready for a model the server has; glance never got it.
    assert_eq!(fake.remaining(), 1);
    fake.expect_unused(1);
}

#[test]
fn an_openai_compatible_server_needs_no_key() {
    let db = films("prov_compatible");
    let fake = FakeLlm::keyless(vec![count_reply()]);
    let out = ask_json(&db, &fake.env(), &["--model", "qwen2.5-coder-32b"]);
    check_counted(&out, "openai", "qwen2.5-coder-32b", (812, 64));
    let request = &fake.requests()[0];
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.body["model"], "qwen2.5-coder-32b");
}

/// `glance models …` with `env`.
fn models(env: &[(&'static str, String)], args: &[&str]) -> Output {
    with_env(glance().arg("models").args(args.iter().copied()), env).run()
}

#[test]
fn models_lists_each_providers_models_marking_the_default() {
    let openai = FakeLlm::openai(Vec::new());
    let out = models(&openai.env(), &[]);
    out.success();
    assert_eq!(
        out.stdout.lines().collect::<Vec<_>>(),
        ["gpt-4.1", "gpt-5", "gpt-5-mini  (default)"],
        "{out}"
    );
    assert_eq!(openai.requests()[0].path, "/v1/models");
    assert_eq!(
        openai.requests()[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );

    let anthropic = FakeLlm::anthropic(Vec::new());
    let out = models(&anthropic.env(), &["anthropic"]);
    out.success().stdout_has("claude-sonnet-5  (default)");
    let request = &anthropic.requests()[0];
    assert!(request.path.starts_with("/v1/models"), "{}", request.path);
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));

    let gemini = FakeLlm::gemini(Vec::new());
    let out = models(&gemini.env(), &["google", "--format", "json"]);
    out.success();
    assert_eq!(
        out.json(),
        serde_json::json!([
            {"id": "gemini-2.5-pro", "default": false},
            {"id": "gemini-3.5-flash", "default": true},
        ]),
        "only models that generate content\n{out}"
    );
    assert_eq!(gemini.requests()[0].header("x-goog-api-key"), Some(KEY));

    let ollama = FakeLlm::ollama(Vec::new());
    let out = models(&ollama.env(), &["ollama"]);
    out.success();
    assert_eq!(
        out.stdout.lines().collect::<Vec<_>>(),
        ["llama3.2:latest", "qwen2.5-coder:7b  (default)"],
        "{out}"
    );

    let azure_v1 = FakeLlm::azure_v1(Vec::new());
    let mut env = azure_v1.env();
    env.push(("GLANCE_MODEL", "prod-gpt".into()));
    let out = models(&env, &["azure"]);
    out.success()
        .stdout_has("gpt-5-mini")
        .stderr_has("`prod-gpt`, is not in azure's list");
    assert_eq!(azure_v1.requests()[0].header("api-key"), Some(KEY));

    let azure = FakeLlm::azure(Vec::new());
    let mut env = azure.env();
    env.push(("GLANCE_MODEL", "prod-gpt".into()));
    models(&env, &["azure"])
        .code(1)
        .stderr_has("azure cannot list its models")
        .stderr_has("Azure portal");
    assert!(azure.requests().is_empty());
}

#[test]
fn models_without_a_provider_or_with_an_unknown_one_is_an_error() {
    models(&[], &[])
        .code(1)
        .stderr_has("no LLM provider is configured");
    models(&[], &["gemeni"])
        .code(1)
        .stderr_has("unknown LLM provider `gemeni`");
}

#[test]
fn model_switches_mid_session_keeping_the_conversation() {
    let db = films("prov_switch");
    let openai = FakeLlm::openai(vec![count_reply(), count_reply()]);
    let anthropic = FakeLlm::anthropic(vec![count_reply()]);
    let mut env = openai.env();
    env.extend(anthropic.env());
    let script = "\\model\n\
                  how many films?\n\
                  \\model gpt-5\n\
                  and now?\n\
                  \\model gemini/gemini-2.5-pro\n\
                  \\model anthropic/claude-haiku-4-5\n\
                  \\model\n\
                  once more?\n";
    let out = with_env(glance().args(["repl", "-d", db.url()]), &env)
        .stdin(script)
        .run();
    out.success()
        .stdout_has("Questions go to openai/gpt-5-mini")
        .stdout_has("Questions now go to openai/gpt-5.")
        .stderr_has("GEMINI_API_KEY is not set")
        .stderr_has("the model is unchanged")
        .stdout_has("Questions now go to anthropic/claude-haiku-4-5.")
        .stdout_has("Questions go to anthropic/claude-haiku-4-5");
    let sent = openai.requests();
    assert_eq!(sent.len(), 2, "{out}");
    assert_eq!(sent[0].body["model"], "gpt-5-mini");
    assert_eq!(sent[1].body["model"], "gpt-5");
    assert!(
        sent[1].body["messages"]
            .to_string()
            .contains("how many films?"),
        "the conversation survives the switch"
    );
    let sent = anthropic.requests();
    assert_eq!(sent.len(), 1, "{out}");
    assert_eq!(sent[0].body["model"], "claude-haiku-4-5");
    let messages = sent[0].body["messages"].to_string();
    assert!(
        messages.contains("how many films?") && messages.contains("and now?"),
        "{messages}"
    );
}

/// Answers every request on 127.0.0.1 with `body` as JSON, until the test
/// process ends; returns the base URL of an OpenAI-compatible API.
fn serve_model_list(body: String) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let addr = listener.local_addr().expect("the port");
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let Ok(reading) = stream.try_clone() else {
                continue;
            };
            let mut head = BufReader::new(reading);
            let mut line = String::new();
            while head.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            // The client may stop reading at its limit.
            let _ = stream.write_all(body.as_bytes());
        }
    });
    format!("http://{addr}/v1")
}

/// An OpenAI model list of `count` models with `pad` bytes of description.
fn model_list(count: usize, pad: usize) -> String {
    let data: Vec<Json> = (0..count)
        .map(|i| serde_json::json!({"id": format!("model-{i:06}"), "object": "model", "description": "x".repeat(pad)}))
        .collect();
    serde_json::json!({"object": "list", "data": data}).to_string()
}

#[test]
fn models_lists_long_model_lists_and_refuses_endless_ones() {
    // About 1 MB, as large lists from model routers are.
    let url = serve_model_list(model_list(5000, 150));
    let env = [
        ("OPENAI_BASE_URL", url),
        ("OPENAI_API_KEY", KEY.to_string()),
    ];
    let out = models(&env, &["openai"]);
    out.success();
    assert_eq!(out.stdout.lines().count(), 5000, "{}", out.stderr);
    out.stdout_has("model-004999");

    // Past the 16 MiB bound.
    let url = serve_model_list(model_list(20, 1 << 20));
    let env = [
        ("OPENAI_BASE_URL", url),
        ("OPENAI_API_KEY", KEY.to_string()),
    ];
    let out = models(&env, &["openai"]);
    out.code(1)
        .stderr_has("the model list is larger than 16 MiB");
}
