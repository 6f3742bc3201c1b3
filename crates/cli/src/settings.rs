//! Layered configuration: defaults < file < `LINGHUO_SECTION__KEY` environment < flags.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use linghuo_service::Config;
use linghuo_service::config::Secret;

use crate::GlobalArgs;

pub fn load(args: &GlobalArgs, listen: Option<String>) -> anyhow::Result<Config> {
    let mut fig = Figment::from(Serialized::defaults(Config::default()));
    match &args.config {
        Some(path) => {
            anyhow::ensure!(path.exists(), "配置文件不存在：{}", path.display());
            fig = fig.merge(Toml::file(path));
        }
        None => {
            let default = std::path::Path::new("config/linghuo.toml");
            if default.exists() {
                fig = fig.merge(Toml::file(default));
            }
        }
    }
    fig = fig.merge(Env::prefixed("LINGHUO_").split("__"));
    if let Some(d) = &args.data_dir {
        fig = fig.merge(Serialized::default("server.data_dir", d));
    }
    if let Some(u) = &args.database_url {
        fig = fig.merge(Serialized::default("database.url", u));
    }
    if let Some(l) = listen {
        fig = fig.merge(Serialized::default("server.listen", l));
    }
    let config: Config = fig
        .extract()
        .map_err(|e| anyhow::anyhow!("配置有误：{e}"))?;
    Ok(config)
}

pub fn default_toml() -> anyhow::Result<String> {
    Ok(toml::to_string_pretty(&Config::default())?)
}

/// The configuration with secrets replaced, for display.
pub fn redacted(c: &Config) -> Config {
    let mut c = c.clone();
    let hide = |s: &mut Option<Secret>| {
        if s.is_some() {
            *s = Some(Secret("***".into()));
        }
    };
    hide(&mut c.keys.field_key);
    hide(&mut c.keys.index_key);
    hide(&mut c.keys.audit_key);
    hide_password(&mut c.database.url);
    hide_password(&mut c.database.migrate_url);
    c
}

/// Replaces the password of a `postgres://user:password@host/db` URL with `***`.
fn hide_password(url: &mut String) {
    if let Some(at) = url.find('@')
        && let Some(colon) = url[..at].rfind(':')
        && !url[..colon].ends_with("postgres")
        && !url[..colon].ends_with("postgresql")
    {
        url.replace_range(colon + 1..at, "***");
    }
}

pub fn init_logging(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&config.log.level));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    let _ = if config.log.format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn example_file_lists_every_setting_with_its_default() {
        let text = include_str!("../../../config/linghuo.example.toml");
        let parsed: linghuo_service::Config =
            toml::from_str(text).expect("example parses with deny_unknown_fields");
        let defaults = linghuo_service::Config::default();
        assert_eq!(
            toml::to_string(&parsed).unwrap(),
            toml::to_string(&defaults).unwrap()
        );
        // Every default key appears in the example.
        for line in super::default_toml().unwrap().lines() {
            if let Some((key, _)) = line.split_once(" = ") {
                assert!(
                    text.contains(&format!("{key} =")) || text.contains(&format!("# {key} =")),
                    "{key} missing from the example"
                );
            }
        }
    }

    #[test]
    fn layers_file_environment_and_flags() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(
            &file,
            "[server]\nlisten = \"127.0.0.1:9000\"\ncookie_secure = false\n",
        )
        .unwrap();
        let args = crate::GlobalArgs {
            config: Some(file),
            data_dir: Some(dir.path().join("d")),
            database_url: None,
        };
        let c = super::load(&args, None).unwrap();
        assert_eq!(c.server.listen, "127.0.0.1:9000");
        assert!(!c.server.cookie_secure);
        assert_eq!(c.server.data_dir, dir.path().join("d"));
        let c = super::load(&args, Some("127.0.0.1:9100".into())).unwrap();
        assert_eq!(c.server.listen, "127.0.0.1:9100", "flags beat the file");
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "[server]\nlisten_on = \"x\"\n").unwrap();
        let args = crate::GlobalArgs {
            config: Some(bad),
            ..Default::default()
        };
        assert!(
            super::load(&args, None).is_err(),
            "unknown keys are refused"
        );
    }
}
