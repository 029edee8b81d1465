//! The page's one state and the actions that change it (a Yew reducer at the root).
//!
//! The editor's text changes on every keystroke; the [`Analysis`] is recomputed only on
//! [`Action::Analyze`], which the root component sends once typing pauses (or at once when an example is
//! loaded). So [`State::analysis`] may briefly describe an older text; [`State::analyzed`] says whether it
//! is current.
//!
//! Builds run in the worker. This reducer is the one place that decides when the project is built next: an
//! action that changes what the image is made of (the text once it is analyzed, the files, the classic
//! toggle, a lesson, an example, a restored project, the Build button) sets [`State::build_wanted`], and the
//! root component starts that build after its delay (a newer one replaces a build still waiting). The result
//! comes back in [`Action::Built`], with the project it was built from; [`State::build_current`] says whether
//! that is the project as it is now.
//!
//! [`State::origin`] says where the project came from (an example, a lesson, a share link, the last
//! session), so the picker names what is loaded and [`Action::Reload`] loads that again, never something else.

use std::rc::Rc;

use yew::Reducible;

use crate::analysis::{analyze, Analysis};
use crate::build::BuildView;
use crate::examples::EXAMPLES;
use crate::project::{ContextFile, Project, DEFAULT_RUN_LINE};
use crate::session::{FileView, RunView};

/// The panels on the right; one is open at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// The build log.
    #[default]
    Log,
    /// The layers and their entries.
    Layers,
    /// The merged filesystem and the file viewer.
    Files,
    /// `docker history`.
    History,
    /// `docker inspect`.
    Inspect,
    /// `docker run`.
    Run,
    /// BuildKit's syntax tree.
    Syntax,
}

impl Tab {
    /// Every tab, in the order the tab bar shows them.
    pub const ALL: [Tab; 7] = [
        Tab::Log,
        Tab::Layers,
        Tab::Files,
        Tab::History,
        Tab::Inspect,
        Tab::Run,
        Tab::Syntax,
    ];

    /// The stable name (share links and element IDs use it).
    pub fn name(self) -> &'static str {
        match self {
            Tab::Log => "log",
            Tab::Layers => "layers",
            Tab::Files => "filesystem",
            Tab::History => "history",
            Tab::Inspect => "inspect",
            Tab::Run => "run",
            Tab::Syntax => "syntax",
        }
    }

    /// The label on the tab.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Log => "Build log",
            Tab::Layers => "Layers",
            Tab::Files => "Filesystem",
            Tab::History => "History",
            Tab::Inspect => "Inspect",
            Tab::Run => "Run",
            Tab::Syntax => "Syntax tree",
        }
    }

    /// The tab a lesson's first panel is (the build context is always beside the editor: the log).
    pub fn from_panel(p: crate::lessons::Panel) -> Tab {
        use crate::lessons::Panel;
        match p {
            Panel::Context | Panel::BuildLog => Tab::Log,
            Panel::Layers => Tab::Layers,
            Panel::History => Tab::History,
            Panel::Inspect => Tab::Inspect,
            Panel::Run => Tab::Run,
        }
    }

    /// The tab called `name`.
    pub fn from_name(name: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Where the project on the page came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Entry `n` of [`EXAMPLES`].
    Example(usize),
    /// Lesson `n` of [`crate::lessons::lessons`].
    Lesson(usize),
    /// A share link, with the project it held.
    Link(Rc<Project>),
    /// The user's own project (autosaved by the last visit, or brought back by Restore).
    Saved,
}

impl Origin {
    /// What the picker calls it.
    pub fn label(&self) -> String {
        match self {
            Origin::Example(n) => EXAMPLES.get(*n).map_or("", |e| e.file).to_string(),
            Origin::Lesson(n) => crate::lessons::lessons()
                .get(*n)
                .map_or(String::new(), |l| format!("Lesson {}: {}", n + 1, l.title)),
            Origin::Link(_) => "the project from a share link".to_string(),
            Origin::Saved => "your own project".to_string(),
        }
    }

    /// True when [`Action::Reload`] can bring it back as it was loaded (the user's own project was never
    /// loaded from anywhere).
    pub fn reloadable(&self) -> bool {
        !matches!(self, Origin::Saved)
    }
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// What the user works on: the Dockerfile in the editor, the build context's files, the `docker run`
    /// line.
    pub project: Rc<Project>,
    /// Show the classic builder's output and history.
    pub classic: bool,
    /// The open panel.
    pub tab: Tab,
    /// Where the project came from (what the picker names and Reload loads again).
    pub origin: Origin,
    /// True on a first visit, until the user edits or loads something: the page says where to start.
    pub first_visit: bool,
    /// True once the project was edited after it was loaded.
    pub edited: bool,
    /// What the parser and linter said about [`State::analyzed`]'s text.
    pub analysis: Rc<Analysis>,
    /// True when `analysis` describes `text` as it is now.
    pub analyzed: bool,
    /// The last build's outcome, once there was one (kept while the project changes, until the next build).
    pub build: Option<Rc<BuildView>>,
    /// The project the last build was of.
    pub built: Option<Rc<Project>>,
    /// True while a build is waiting for the worker.
    pub building: bool,
    /// How long the last build took in the worker, in milliseconds.
    pub build_ms: u32,
    /// The last `docker run`.
    pub run: Option<Rc<RunView>>,
    /// True while a run is waiting for the worker.
    pub running: bool,
    /// The file the viewer shows.
    pub file: Option<Rc<FileView>>,
    /// A message for the user (an export's result, a worker that was replaced).
    pub notice: Option<String>,
    /// The project the user had edited before a lesson, an example or a share link replaced it; the page
    /// offers it back.
    pub previous: Option<Rc<Project>>,
    /// The build the page wants next.
    pub build_wanted: BuildWanted,
    /// The "Build secrets" box's text (`ID=VALUE` lines, [`crate::secrets`]): kept for the page session
    /// only, never in the project, a share link or autosave.
    pub secrets: Rc<str>,
}

/// How long typing must pause before the text is parsed and linted again.
pub const DEBOUNCE_MS: u32 = 150;

/// How much longer typing must stay paused (after the lint) before the project is built. The build runs in
/// the worker, so this only saves the worker from building texts nobody will look at.
pub const BUILD_DELAY_MS: u32 = 150;

/// A request for a build of [`State::project`]: each new one has a larger `seq`, and the root component
/// starts it `delay_ms` after it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BuildWanted {
    /// Counts the requests made so far.
    pub seq: u64,
    /// How long to wait before building.
    pub delay_ms: u32,
}

/// What can happen to the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The user changed the editor's text.
    Edit(String),
    /// Typing paused: analyze the current text.
    Analyze,
    /// Replace the project with entry `n` of [`EXAMPLES`] (its Dockerfile and context) and analyze it.
    LoadExample(usize),
    /// Load again what [`State::origin`] names, as it was loaded.
    Reload,
    /// Load lesson `n`: its project, its first panel, its steps beside the editor.
    LoadLesson(usize),
    /// Replace the whole project with a share link's, analyze it, open `tab`.
    LoadProject {
        /// The project.
        project: Project,
        /// The panel to open.
        tab: Tab,
        /// Classic output.
        classic: bool,
    },
    /// The context's files changed.
    SetFiles(Vec<ContextFile>),
    /// The run line changed.
    SetRunLine(String),
    /// The build secrets box changed.
    SetSecrets(String),
    /// The classic-output toggle changed.
    SetClassic(bool),
    /// A panel was chosen.
    SetTab(Tab),
    /// The Build button: build the project now.
    Build,
    /// A build was sent to the worker.
    Building,
    /// A build of `project` finished after `ms` milliseconds in the worker.
    Built {
        /// What was built.
        project: Rc<Project>,
        /// What the build panels show.
        view: Rc<BuildView>,
        /// How long it took.
        ms: u32,
    },
    /// A run was asked for.
    Running,
    /// A run finished.
    Ran(Rc<RunView>),
    /// A committed image: the panels show it.
    Committed(Rc<BuildView>),
    /// The file viewer's file arrived.
    ShowFile(Rc<FileView>),
    /// Something to tell the user (None clears it).
    Notice(Option<String>),
    /// A request failed: say why, and stop waiting for it.
    Failed(String),
    /// Bring back [`State::previous`].
    Restore,
}

impl State {
    /// The page as a first visit opens it: the first example (which builds), analyzed, with its layers open.
    pub fn new() -> State {
        State {
            first_visit: true,
            tab: Tab::Layers,
            ..State::with_example(0)
        }
    }

    fn with_example(n: usize) -> State {
        let n = n.min(EXAMPLES.len() - 1);
        State {
            origin: Origin::Example(n),
            ..State::with_project(example_project(n), Tab::Log, false)
        }
    }

    /// The page showing `project`, analyzed, with `tab` open, wanting its first build at once.
    pub fn with_project(mut project: Project, tab: Tab, classic: bool) -> State {
        if project.run_line.is_empty() {
            project.run_line = DEFAULT_RUN_LINE.to_string();
        }
        State {
            analysis: Rc::new(analyze(&project.dockerfile)),
            project: Rc::new(project),
            classic,
            tab,
            origin: Origin::Saved,
            first_visit: false,
            edited: false,
            analyzed: true,
            build: None,
            built: None,
            building: false,
            build_ms: 0,
            run: None,
            running: false,
            file: None,
            notice: None,
            previous: None,
            build_wanted: BuildWanted {
                seq: 1,
                delay_ms: 0,
            },
            secrets: Rc::from(""),
        }
    }

    /// True when the last build is of the project as it is now (the run line does not change the image).
    pub fn build_current(&self) -> bool {
        self.built.as_deref().is_some_and(|p| {
            p.dockerfile == self.project.dockerfile && p.files == self.project.files
        })
    }

    /// `self`, wanting a build `delay_ms` from now (after every build `before` wanted).
    fn build_after(self, before: &State, delay_ms: u32) -> State {
        State {
            build_wanted: BuildWanted {
                seq: before.build_wanted.seq + 1,
                delay_ms,
            },
            ..self
        }
    }

    /// `next`, still showing this state's last build (until the build of the new project arrives), and
    /// keeping the project it replaces when the user had edited it.
    fn keeping_build(&self, next: State) -> State {
        State {
            build: self.build.clone(),
            built: self.built.clone(),
            build_ms: self.build_ms,
            building: self.building,
            secrets: self.secrets.clone(),
            previous: if self.edited {
                Some(self.project.clone())
            } else {
                self.previous.clone()
            },
            ..next
        }
    }

    /// The state after `action`.
    pub fn apply(&self, action: Action) -> State {
        match action {
            Action::Edit(text) => {
                let changed = text != self.project.dockerfile;
                let mut project = self.project.clone();
                if changed {
                    Rc::make_mut(&mut project).dockerfile = text;
                }
                State {
                    edited: self.edited || changed,
                    analyzed: self.analyzed && !changed,
                    project,
                    ..self.clone()
                }
            }
            Action::Analyze if self.analyzed => self.clone(),
            Action::Analyze => State {
                analysis: Rc::new(analyze(&self.project.dockerfile)),
                analyzed: true,
                ..self.clone()
            }
            .build_after(self, BUILD_DELAY_MS),
            Action::LoadExample(n) => self
                .keeping_build(State {
                    tab: self.tab,
                    classic: self.classic,
                    ..State::with_example(n)
                })
                .build_after(self, 0),
            Action::LoadLesson(n) => match crate::lessons::lessons().get(n) {
                Some(l) => self
                    .keeping_build(State {
                        origin: Origin::Lesson(n),
                        ..State::with_project((l.project)(), Tab::from_panel(l.panel), false)
                    })
                    .build_after(self, 0),
                None => self.clone(),
            },
            Action::LoadProject {
                project,
                tab,
                classic,
            } => {
                let project = Rc::new(project);
                self.keeping_build(State {
                    origin: Origin::Link(project.clone()),
                    ..State::with_project((*project).clone(), tab, classic)
                })
                .build_after(self, 0)
            }
            Action::Reload => match &self.origin {
                Origin::Example(n) => self.apply(Action::LoadExample(*n)),
                Origin::Lesson(n) => self.apply(Action::LoadLesson(*n)),
                Origin::Link(p) => self.apply(Action::LoadProject {
                    project: (**p).clone(),
                    tab: self.tab,
                    classic: self.classic,
                }),
                Origin::Saved => self.clone(),
            },
            Action::SetFiles(files) => State {
                edited: true,
                project: Rc::new(Project {
                    files,
                    ..(*self.project).clone()
                }),
                ..self.clone()
            }
            .build_after(self, DEBOUNCE_MS),
            Action::SetRunLine(run_line) => State {
                project: Rc::new(Project {
                    run_line,
                    ..(*self.project).clone()
                }),
                ..self.clone()
            },
            Action::SetSecrets(text) => State {
                secrets: Rc::from(text),
                ..self.clone()
            }
            .build_after(self, DEBOUNCE_MS),
            Action::SetClassic(classic) => State {
                classic,
                ..self.clone()
            }
            .build_after(self, 0),
            Action::Build => self.clone().build_after(self, 0),
            Action::SetTab(tab) => State {
                tab,
                ..self.clone()
            },
            Action::Building => State {
                building: true,
                ..self.clone()
            },
            Action::Built { project, view, ms } => State {
                built: Some(project),
                build: Some(view),
                build_ms: ms,
                building: false,
                file: None,
                ..self.clone()
            },
            Action::Running => State {
                running: true,
                ..self.clone()
            },
            Action::Ran(run) => State {
                run: Some(run),
                running: false,
                ..self.clone()
            },
            Action::Committed(view) => State {
                build: Some(view),
                file: None,
                tab: Tab::Layers,
                notice: Some(
                    "Committed: the panels now show the new image (the next build replaces it)."
                        .to_string(),
                ),
                ..self.clone()
            },
            Action::ShowFile(file) => State {
                file: Some(file),
                ..self.clone()
            },
            Action::Notice(notice) => State {
                notice,
                ..self.clone()
            },
            Action::Restore => match &self.previous {
                Some(p) => State {
                    previous: None,
                    edited: true,
                    ..self.keeping_build(State::with_project((**p).clone(), self.tab, self.classic))
                }
                .build_after(self, 0),
                None => self.clone(),
            },
            Action::Failed(message) => State {
                notice: Some(message),
                building: false,
                running: false,
                ..self.clone()
            },
        }
    }
}

/// Example `n`'s project: its Dockerfile, its build context, the default run line.
fn example_project(n: usize) -> Project {
    let ex = &EXAMPLES[n.min(EXAMPLES.len() - 1)];
    Project {
        dockerfile: ex.text.to_string(),
        files: ex
            .context
            .iter()
            .map(|f| ContextFile {
                path: f.path.to_string(),
                data: f.data.to_vec(),
                executable: f.executable,
            })
            .collect(),
        run_line: DEFAULT_RUN_LINE.to_string(),
    }
}

/// The example or lesson that `project` is, unedited (an autosaved project the user never changed).
pub fn origin_of(project: &Project) -> Option<Origin> {
    let lesson = crate::lessons::lessons()
        .iter()
        .position(|l| (l.project)() == *project)
        .map(Origin::Lesson);
    lesson.or_else(|| {
        (0..EXAMPLES.len())
            .find(|&n| example_project(n) == *project)
            .map(Origin::Example)
    })
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}
