//! The instructions that change only the image config (ENV, LABEL, ARG, CMD, ENTRYPOINT, EXPOSE, VOLUME,
//! USER, STOPSIGNAL, MAINTAINER, SHELL, HEALTHCHECK, ONBUILD): each writes an empty-layer history entry.

use strata_dockerfile::instructions::{self, HealthTest, ShellOrExec};
use strata_dockerfile::Span;
use strata_image::image::{EmptyObject, Healthcheck};

use super::stages::lowered_meta_value;
use super::state::State;
use super::{Builder, CacheStatus, Step};
use crate::env::OrderedEnv;
use crate::history::{self, HistoryStyle};
use crate::BuildError;

impl Builder<'_, '_> {
    /// A metadata instruction: an empty-layer history entry (at the previous entry's time) and its step.
    pub(super) fn record_metadata(
        &mut self,
        st: &mut State,
        created_by: String,
        text: String,
        span: Span,
    ) {
        let created = st.last_created.clone();
        st.push_history(&created, created_by, true, self.req.style);
        self.metadata_step(st, text, span);
    }

    /// Expands an ENV or LABEL pair against `env` (the environment before the instruction).
    pub(super) fn expand_pair(
        &self,
        kv: &instructions::KeyValue,
        env: &OrderedEnv,
    ) -> Result<(String, String), BuildError> {
        let k = self
            .lexer
            .process_word(&kv.key.text, env)
            .map_err(|e| BuildError::at(kv.key.span, e.message))?;
        let v = self
            .lexer
            .process_word(&kv.value.text, env)
            .map_err(|e| BuildError::at(kv.value.span, e.message))?;
        Ok((k, v))
    }

    pub(super) fn metadata_step(&mut self, st: &State, text: String, span: Span) {
        self.classic_n += 1;
        self.push_step(Step {
            stage: st.name.clone(),
            text,
            span,
            vertex: None,
            classic: (self.classic_n, self.classic_total),
            cache: CacheStatus::Metadata,
            stdout: Vec::new(),
            stderr: Vec::new(),
            notes: Vec::new(),
            layer: None,
        });
    }

    /// ENV.
    pub(super) fn env(
        &mut self,
        st: &mut State,
        env: &instructions::Env,
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let mut pairs = Vec::new();
        for kv in &env.pairs {
            pairs.push(self.expand_pair(kv, st.expansion_env())?);
        }
        for (k, v) in &pairs {
            st.set_env(k, v);
        }
        let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let body = format!("ENV {}", text.join(" "));
        self.record_metadata(
            st,
            history::metadata(&body, &shell, style),
            source_text,
            env.span,
        );
        Ok(())
    }

    /// LABEL.
    pub(super) fn label(
        &mut self,
        st: &mut State,
        label: &instructions::Label,
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let mut text = Vec::new();
        for kv in &label.pairs {
            let (k, v) = self.expand_pair(kv, st.expansion_env())?;
            let cc = st.cc();
            let mut labels = cc.labels.clone().flatten().unwrap_or_default();
            labels.insert(k.clone(), v.clone());
            cc.labels = Some(Some(labels));
            text.push(format!("{k}={v}"));
        }
        let body = format!("LABEL {}", text.join(" "));
        self.record_metadata(
            st,
            history::metadata(&body, &shell, style),
            source_text,
            label.span,
        );
        Ok(())
    }

    /// ARG.
    pub(super) fn arg(
        &mut self,
        st: &mut State,
        arg: &instructions::Arg,
        meta: &[(String, Option<String>)],
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let mut text = Vec::new();
        for d in &arg.args {
            let default = match &d.value {
                Some(raw) => Some(self.expand(st, raw, d.span)?),
                None => None,
            };
            let inherited = lowered_meta_value(meta, &d.key)
                .or_else(|| st.run_env.value(&d.key).map(str::to_owned));
            let value = self.build_arg(&d.key).or(default.clone()).or(inherited);
            // ENV always overrides an ARG of the same name.
            let set_by_env = st.env_index.contains(&d.key);
            if let (Some(v), false) = (&value, set_by_env) {
                st.set_run_env(&d.key, v);
            }
            st.args.push(d.key.clone());
            text.push(match &default {
                Some(v) => format!("{}={}", d.key, v),
                None => d.key.clone(),
            });
        }
        let body = format!("ARG {}", text.join(" "));
        self.record_metadata(
            st,
            history::metadata(&body, &shell, style),
            source_text,
            arg.span,
        );
        Ok(())
    }

    /// CMD.
    pub(super) fn cmd(
        &mut self,
        st: &mut State,
        c: &instructions::Cmd,
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let argv = c.cmd.argv(&shell);
        let body = format!("CMD {}", history::go_quote_list(&argv));
        let cc = st.cc();
        cc.cmd = Some(Some(argv));
        cc.args_escaped = Some(true);
        st.cmd_set = true;
        let by = match style {
            HistoryStyle::Buildkit => body,
            HistoryStyle::Classic => history::metadata(&body, &shell, style),
        };
        self.record_metadata(st, by, source_text, c.span);
        Ok(())
    }

    /// ENTRYPOINT.
    pub(super) fn entrypoint(
        &mut self,
        st: &mut State,
        e: &instructions::Entrypoint,
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let argv = e.cmd.argv(&shell);
        let body = format!("ENTRYPOINT {}", history::go_quote_list(&argv));
        let cmd_set = st.cmd_set;
        let cc = st.cc();
        cc.entrypoint = Some(if argv.is_empty() { None } else { Some(argv) });
        if !cmd_set {
            cc.cmd = Some(None);
        }
        let by = match style {
            HistoryStyle::Buildkit => body,
            HistoryStyle::Classic => history::metadata(&body, &shell, style),
        };
        self.record_metadata(st, by, source_text, e.span);
        Ok(())
    }

    /// EXPOSE.
    pub(super) fn expose(
        &mut self,
        st: &mut State,
        ex: &instructions::Expose,
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let env = st.expansion_env();
        let mut ports: Vec<String> = Vec::new();
        for w in &ex.ports {
            let words = self
                .lexer
                .process_words(&w.text, env)
                .map_err(|e| BuildError::at(w.span, e.message))?;
            ports.extend(words);
        }
        let mut normalized = Vec::new();
        for p in &ports {
            let n = normalize_port(p).map_err(|m| BuildError::at(ex.span, m))?;
            normalized.extend(expand_port_range(&n));
        }
        let cc = st.cc();
        let mut map = cc.exposed_ports.clone().flatten().unwrap_or_default();
        for p in &normalized {
            map.insert(p.clone(), EmptyObject {});
        }
        cc.exposed_ports = Some(Some(map));
        let mut sorted = ports.clone();
        strata_image::sort::sort(&mut sorted);
        let sorted: Vec<String> = sorted
            .iter()
            .filter_map(|p| normalize_port(p).ok())
            .collect();
        let by = match style {
            HistoryStyle::Buildkit => format!("EXPOSE {}", history::go_list(&sorted)),
            // The classic builder's parser sorts the ports as written.
            HistoryStyle::Classic => {
                let mut raw = ports.clone();
                strata_image::sort::sort(&mut raw);
                history::metadata(&format!("EXPOSE {}", raw.join(" ")), &shell, style)
            }
        };
        self.record_metadata(st, by, source_text, ex.span);
        Ok(())
    }

    /// VOLUME.
    pub(super) fn volume(
        &mut self,
        st: &mut State,
        v: &instructions::Volume,
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let mut vols = Vec::new();
        for w in &v.volumes {
            let p = self.expand(st, &w.text, w.span)?;
            if p.is_empty() {
                return Err(BuildError::at(
                    w.span,
                    "VOLUME specified can not be an empty string",
                ));
            }
            vols.push(p);
        }
        let cc = st.cc();
        let mut map = cc.volumes.clone().flatten().unwrap_or_default();
        for p in &vols {
            map.insert(p.clone(), EmptyObject {});
        }
        cc.volumes = Some(Some(map));
        let body = format!("VOLUME {}", history::go_list(&vols));
        self.record_metadata(
            st,
            history::metadata(&body, &shell, style),
            source_text,
            v.span,
        );
        Ok(())
    }

    /// USER.
    pub(super) fn user(
        &mut self,
        st: &mut State,
        u: &instructions::User,
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let user = self.expand(st, &u.user.text, u.user.span)?;
        st.cc().user = Some(user.clone());
        let body = format!("USER {user}");
        self.record_metadata(
            st,
            history::metadata(&body, &shell, style),
            source_text,
            u.span,
        );
        Ok(())
    }

    /// STOPSIGNAL.
    pub(super) fn stop_signal(
        &mut self,
        st: &mut State,
        s: &instructions::StopSignal,
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let sig = self.expand(st, &s.signal.text, s.signal.span)?;
        st.cc().stop_signal = Some(sig.clone());
        let body = format!("STOPSIGNAL {sig}");
        self.record_metadata(
            st,
            history::metadata(&body, &shell, style),
            source_text,
            s.span,
        );
        Ok(())
    }

    /// MAINTAINER.
    pub(super) fn maintainer(
        &mut self,
        st: &mut State,
        m: &instructions::Maintainer,
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let name = m.name.text.to_string();
        st.config.author = Some(name.clone());
        let body = format!("MAINTAINER {name}");
        self.record_metadata(
            st,
            history::metadata(&body, &shell, style),
            source_text,
            m.span,
        );
        Ok(())
    }

    /// SHELL.
    pub(super) fn shell(
        &mut self,
        st: &mut State,
        s: &instructions::Shell,
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let _shell = st.shell();
        let argv: Vec<String> = s.shell.iter().map(|w| w.text.to_string()).collect();
        st.cc().shell = Some(Some(argv.clone()));
        let by = match style {
            HistoryStyle::Buildkit => format!("SHELL {}", history::go_list(&argv)),
            // The classic builder commits with the new shell already set: `/bin/sh -xc #(nop)
            // SHELL [/bin/sh -xc]`.
            HistoryStyle::Classic => {
                history::metadata(&format!("SHELL {}", history::go_list(&argv)), &argv, style)
            }
        };
        self.record_metadata(st, by, source_text, s.span);
        Ok(())
    }

    /// HEALTHCHECK.
    pub(super) fn healthcheck(
        &mut self,
        st: &mut State,
        h: &instructions::Healthcheck,
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let hc = match &h.test {
            HealthTest::None => Healthcheck {
                test: Some(vec!["NONE".to_owned()]),
                ..Healthcheck::default()
            },
            HealthTest::Cmd(c) => {
                let test = match c {
                    ShellOrExec::Shell(w) => {
                        vec!["CMD-SHELL".to_owned(), w.text.to_string()]
                    }
                    ShellOrExec::Exec(ws) => std::iter::once("CMD".to_owned())
                        .chain(ws.iter().map(|w| w.text.to_string()))
                        .collect(),
                };
                Healthcheck {
                    test: Some(test),
                    interval: h.interval.map(|d| d.as_nanos() as i64),
                    timeout: h.timeout.map(|d| d.as_nanos() as i64),
                    start_period: h.start_period.map(|d| d.as_nanos() as i64),
                    start_interval: h.start_interval.map(|d| d.as_nanos() as i64),
                    retries: h.retries.map(i64::from),
                }
            }
        };
        let test = hc.test.clone().unwrap_or_default();
        let body = format!(
            "HEALTHCHECK &{{{} {} {} {} {}}}",
            history::go_list(&test),
            go_duration(hc.interval.unwrap_or(0)),
            go_duration(hc.timeout.unwrap_or(0)),
            go_duration(hc.start_period.unwrap_or(0)),
            hc.retries.unwrap_or(0)
        );
        st.cc().healthcheck = Some(hc);
        self.record_metadata(
            st,
            history::metadata(&body, &shell, style),
            source_text,
            h.span,
        );
        Ok(())
    }

    /// ONBUILD.
    pub(super) fn onbuild(
        &mut self,
        st: &mut State,
        o: &instructions::OnBuild,
        onbuild: &mut Vec<String>,
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let created = st.last_created.clone();
        onbuild.push(o.trigger.clone());
        if style == HistoryStyle::Classic {
            let body = format!("ONBUILD {}", o.trigger);
            st.push_history(
                &created,
                history::metadata(&body, &shell, style),
                true,
                style,
            );
        }
        self.metadata_step(st, source_text, o.span);
        Ok(())
    }
}

/// `80` → `80/tcp`; `53/UDP` → `53/udp`; ranges kept; checked by the Dockerfile crate's one port check.
pub(super) fn normalize_port(p: &str) -> Result<String, String> {
    instructions::parse_port(p)
        .map(|(port, proto)| format!("{port}/{proto}"))
        .map_err(|e| e.message)
}

/// `8000-8002/tcp` → `8000/tcp 8001/tcp 8002/tcp` (the config lists every port of a range; at most 65536).
pub(super) fn expand_port_range(p: &str) -> Vec<String> {
    let (ports, proto) = p.split_once('/').unwrap_or((p, "tcp"));
    match ports.split_once('-') {
        Some((a, b)) => match (a.parse::<u32>(), b.parse::<u32>()) {
            (Ok(a), Ok(b)) if a <= b && b <= 65535 => {
                (a..=b).map(|n| format!("{n}/{proto}")).collect()
            }
            _ => vec![p.to_owned()],
        },
        None => vec![p.to_owned()],
    }
}

/// Go's `time.Duration` `String()`: `30s`, `1m30s`, `0s`, `1.5s`.
pub(super) fn go_duration(ns: i64) -> String {
    if ns == 0 {
        return "0s".to_owned();
    }
    let neg = ns < 0;
    let ns = ns.unsigned_abs();
    let mut out = String::new();
    if ns < 1_000_000_000 {
        let (unit, div) = if ns < 1_000 {
            ("ns", 1)
        } else if ns < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        out.push_str(&frac(ns, div));
        out.push_str(unit);
    } else {
        let h = ns / 3_600_000_000_000;
        let m = ns / 60_000_000_000 % 60;
        let s_ns = ns % 60_000_000_000;
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if h > 0 || m > 0 {
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&frac(s_ns, 1_000_000_000));
        out.push('s');
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

pub(super) fn frac(v: u64, div: u64) -> String {
    let whole = v / div;
    let rest = v % div;
    if rest == 0 {
        return whole.to_string();
    }
    let width = div.to_string().len() - 1;
    let s = format!("{rest:0width$}");
    format!("{whole}.{}", s.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn go_durations() {
        assert_eq!(go_duration(30_000_000_000), "30s");
        assert_eq!(go_duration(90_000_000_000), "1m30s");
        assert_eq!(go_duration(1_500_000_000), "1.5s");
        assert_eq!(go_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(go_duration(0), "0s");
    }

    #[test]
    pub(super) fn ports() {
        assert_eq!(normalize_port("80").as_deref(), Ok("80/tcp"));
        assert_eq!(normalize_port("53/UDP").as_deref(), Ok("53/udp"));
        assert!(normalize_port("#").is_err());
    }
}
