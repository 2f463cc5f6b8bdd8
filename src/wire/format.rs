//! The body formats of the wire: JSON, and XML in Alibaba's convention, both written from the
//! same `Serialize` structs.
//!
//! XML, as the API reference's common-parameters pages show it: an XML declaration, then a
//! root element named after the reply (`<{Action}Response>` for a success, `<Error>` for a
//! refusal) holding one element per JSON field, in the same order. A JSON object becomes a
//! nested element (`"JobList":{"Job":[…]}` is `<JobList><Job>…</Job><Job>…</Job></JobList>`)
//! and a plain JSON array repeats its field's element (`"SourceUrls":["a","b"]` is
//! `<SourceUrls>a</SourceUrls><SourceUrls>b</SourceUrls>`), which is how serde writes a
//! sequence field in XML.

use serde::Serialize;

/// The declaration every XML body starts with.
const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// The format of a reply body: what the call's `Format` parameter asks for, or the default the
/// embedder gives ([`RpcCall::default_format`](crate::RpcCall::default_format)).
///
/// ```
/// use live_lifecycle::Format;
/// assert_eq!(Format::from_param("xml"), Some(Format::Xml));
/// assert_eq!(Format::from_param("JSON"), Some(Format::Json));
/// assert_eq!(Format::from_param("yaml"), None);
/// assert_eq!(Format::Xml.content_type(), "text/xml;charset=utf-8");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// JSON, `application/json;charset=utf-8`.
    #[default]
    Json,
    /// XML, `text/xml;charset=utf-8`.
    Xml,
}

impl Format {
    /// The format a `Format` parameter names (`json` or `xml`, in any case), if it names one.
    pub fn from_param(value: &str) -> Option<Self> {
        if value.eq_ignore_ascii_case("json") {
            Some(Self::Json)
        } else if value.eq_ignore_ascii_case("xml") {
            Some(Self::Xml)
        } else {
            None
        }
    }

    /// The format a call's parameters ask for: its one `Format` parameter when that names
    /// `json` or `xml` (any case), else `default`, the scheme's (XML for V1, JSON for V3).
    ///
    /// ```
    /// use live_lifecycle::Format;
    /// assert_eq!(Format::requested(&[("Format", "XML")], Format::Json), Format::Xml);
    /// assert_eq!(Format::requested(&[("Action", "X")], Format::Xml), Format::Xml);
    /// ```
    pub fn requested(params: &[(&str, &str)], default: Self) -> Self {
        super::params::single(params, "Format")
            .ok()
            .flatten()
            .and_then(Self::from_param)
            .unwrap_or(default)
    }

    /// The `Content-Type` of a body in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json;charset=utf-8",
            Self::Xml => "text/xml;charset=utf-8",
        }
    }

    /// `value` written in this format; `root` names the XML root element (JSON has none).
    pub(crate) fn write<T: Serialize + ?Sized>(
        self,
        root: &str,
        value: &T,
    ) -> Result<String, String> {
        match self {
            Self::Json => serde_json::to_string(value).map_err(|e| e.to_string()),
            Self::Xml => quick_xml::se::to_string_with_root(root, value)
                .map(|element| format!("{XML_DECLARATION}{element}"))
                .map_err(|e| e.to_string()),
        }
    }
}

/// An error body (a struct whose fields are `RequestId`, `HostId`, `Code`, `Message`, …) in
/// `format`. A body that cannot be written (it is a struct of text; only a bug could make it
/// fail) is `Err`: an `InternalError` body in JSON, built without it, saying why.
pub(crate) fn error_body<T: Serialize + ?Sized>(
    format: Format,
    body: &T,
    request_id: &str,
    host_id: &str,
) -> Result<String, String> {
    format.write("Error", body).map_err(|e| {
        serde_json::json!({
            "RequestId": request_id,
            "HostId": host_id,
            "Code": "InternalError",
            "Message": format!("the error body could not be written: {e}"),
        })
        .to_string()
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Jobs {
        request_id: &'static str,
        job_list: JobList,
        source_urls: Vec<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        absent: Option<u32>,
        text: &'static str,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct JobList {
        job: Vec<Job>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Job {
        job_id: &'static str,
        status: u8,
    }

    #[test]
    fn xml_nests_objects_repeats_arrays_and_escapes_text() {
        let jobs = Jobs {
            request_id: "R",
            job_list: JobList {
                job: vec![
                    Job {
                        job_id: "a",
                        status: 0,
                    },
                    Job {
                        job_id: "b",
                        status: 1,
                    },
                ],
            },
            source_urls: vec!["u1", "u2"],
            absent: None,
            text: "a<b&c",
        };
        assert_eq!(
            Format::Xml.write("ListResponse", &jobs).unwrap(),
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                "<ListResponse><RequestId>R</RequestId>",
                "<JobList><Job><JobId>a</JobId><Status>0</Status></Job>",
                "<Job><JobId>b</JobId><Status>1</Status></Job></JobList>",
                "<SourceUrls>u1</SourceUrls><SourceUrls>u2</SourceUrls>",
                "<Text>a&lt;b&amp;c</Text></ListResponse>",
            )
        );
        assert!(
            Format::Json
                .write("ignored", &jobs)
                .unwrap()
                .starts_with(r#"{"RequestId":"R","JobList":{"Job":[{"#)
        );
    }
}
