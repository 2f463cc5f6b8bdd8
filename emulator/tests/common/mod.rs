//! What the emulator's in-process tests (`control.rs`, `in_process.rs`) share.

use live_emulator::Client;

/// A template of the default catalogue.
pub const TEMPLATE: &str = "3f6b2c1a-7d4e-4a8b-9c0d-1e2f3a4b5c01";

/// Creates an edge job on `cluster`: its id.
pub async fn create_job(client: &Client, cluster: &str) -> String {
    let (status, body) = client
        .call(
            "CreateEdgeTranscodeJob",
            &[
                ("ClusterId", cluster),
                ("Name", "news"),
                ("TemplateId", TEMPLATE),
                ("StreamInput", "rtmp://ingest.example.com/live/news"),
                ("StreamOutput", "rtmp://push.example.com/live/news_hd"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
    body["JobId"].as_str().unwrap().to_owned()
}
