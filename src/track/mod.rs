//! The live forecast during a game day (`rtosim track`): what the logs say has happened, trials
//! conditioned on it, and the forecast every output renders.

mod forecast;
mod html;
mod log;
mod render;

pub use forecast::{
    FinishAt, Forecast, ForecastError, Forecasted, Movement, Outside, Overdue, PERCENTILES,
    SetsFinish, StepView, forecast,
};
pub use html::render_html;
pub use log::{Facts, LogFile, facts};
pub use render::{render_json, render_json_line, render_text};
