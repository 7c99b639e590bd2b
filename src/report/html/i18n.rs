//! Every fixed string of the HTML report, in Chinese and English: one table, so a label
//! cannot be missing in one language (each is a field of [`Strings`]).

use std::str::FromStr;

use crate::error::Error;

/// The language of the report's fixed strings (the scenario's own names are shown as
/// written, in any language).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Simplified Chinese (`zh`).
    Zh,
    /// English (`en`).
    #[default]
    En,
}

impl Lang {
    /// The `lang` attribute of the page: `zh-CN` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// An uncertainty entry's label (`ceiling group=elderly`, as compiled from the scenario)
    /// with its parameter and selector words in this language; the ids after `=` are the
    /// scenario's own and stay as written. Words it does not know stay as they are.
    ///
    /// ```
    /// use fanzha::report::html::Lang;
    /// assert_eq!(Lang::Zh.entry_label("ceiling group=elderly"), "效果上限 群体=elderly");
    /// assert_eq!(Lang::En.entry_label("ceiling group=elderly"), "ceiling group=elderly");
    /// ```
    pub fn entry_label(self, label: &str) -> String {
        if self == Lang::En {
            return label.to_string();
        }
        let word = |w: &str| -> String {
            ENTRY_WORDS
                .iter()
                .find(|(en, _)| *en == w)
                .map_or(w, |(_, zh)| zh)
                .to_string()
        };
        label
            .split(' ')
            .map(|part| match part.split_once('=') {
                Some((key, value)) => format!("{}={value}", word(key)),
                None => word(part),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The fixed strings in this language.
    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

/// The words of uncertainty entries' labels (parameters, then selectors) in Chinese.
const ENTRY_WORDS: [(&str, &str); 13] = [
    ("ceiling", "效果上限"),
    ("scale", "效果尺度"),
    ("rate", "受骗率"),
    ("loss", "案均损失"),
    ("per_unit", "每单位触达"),
    ("depth", "渠道吸收深度"),
    ("unit_cost", "单价"),
    ("segment", "人群"),
    ("region", "地区"),
    ("group", "群体"),
    ("threat", "诈骗类型"),
    ("channel", "渠道"),
    ("placement", "投放位"),
];

impl FromStr for Lang {
    type Err = Error;

    /// `zh` (or `zh-CN`, `cn`) or `en`.
    ///
    /// ```
    /// use fanzha::report::html::Lang;
    /// assert_eq!("zh".parse::<Lang>()?, Lang::Zh);
    /// assert!("fr".parse::<Lang>().is_err());
    /// # Ok::<(), fanzha::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Lang, Error> {
        match s.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            _ => Err(Error::InvalidParameter {
                parameter: "lang",
                problem: format!("{s:?} is not a language of the report (zh or en)"),
            }),
        }
    }
}

/// The fixed strings of the report. Each field is one label.
#[derive(Debug)]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct Strings {
    pub title: &'static str,
    pub strategy: &'static str,
    pub money_limit: &'static str,
    pub hours_limit: &'static str,
    pub unlimited: &'static str,
    pub yuan: &'static str,
    pub per_year: &'static str,
    pub kpis: &'static str,
    pub prevented_loss: &'static str,
    pub prevented_cases: &'static str,
    pub spend: &'static str,
    pub staff_hours: &'static str,
    pub of_limit: &'static str,
    pub bound: &'static str,
    pub gap_at_most: &'static str,
    pub no_bound: &'static str,
    pub versus: &'static str,
    pub times_baseline: &'static str,
    pub reach: &'static str,
    pub effective_reach: &'static str,
    pub cost_per_case: &'static str,
    pub loss_at_risk: &'static str,
    pub tasks: &'static str,
    pub tasks_intro: &'static str,
    pub no_department: &'static str,
    pub what: &'static str,
    pub format: &'static str,
    pub where_: &'static str,
    pub channel: &'static str,
    pub how_many: &'static str,
    pub when: &'static str,
    pub cost: &'static str,
    pub hours: &'static str,
    pub all_year: &'static str,
    pub weeks: &'static str,
    pub setup: &'static str,
    pub production: &'static str,
    pub total: &'static str,
    pub nothing_to_do: &'static str,
    pub limits: &'static str,
    pub limit: &'static str,
    pub used: &'static str,
    pub left: &'static str,
    pub binds: &'static str,
    pub full_weeks: &'static str,
    pub unspent: &'static str,
    pub unspent_why: &'static str,
    pub stopped_by: &'static str,
    pub placements_word: &'static str,
    pub floors: &'static str,
    pub group: &'static str,
    pub region: &'static str,
    pub threat: &'static str,
    pub required: &'static str,
    pub reached: &'static str,
    pub met: &'static str,
    pub not_met: &'static str,
    pub no_floors: &'static str,
    pub floor_price: &'static str,
    pub floor_price_intro: &'static str,
    pub value_with: &'static str,
    pub value_without: &'static str,
    pub price: &'static str,
    pub price_at_most: &'static str,
    pub siloed: &'static str,
    pub siloed_intro: &'static str,
    pub joint_plan: &'static str,
    pub siloed_total: &'static str,
    pub alone: &'static str,
    pub together_worth: &'static str,
    pub frontier: &'static str,
    pub frontier_intro: &'static str,
    pub budget: &'static str,
    pub bound_band: &'static str,
    pub knee: &'static str,
    pub current_budget: &'static str,
    pub spend_by_department: &'static str,
    pub spend_by_channel: &'static str,
    pub production_apart: &'static str,
    pub heat_map: &'static str,
    pub heat_intro: &'static str,
    pub response: &'static str,
    pub response_intro: &'static str,
    pub spend_on_placement: &'static str,
    pub marginal: &'static str,
    pub marginal_axis: &'static str,
    pub today: &'static str,
    pub calendar: &'static str,
    pub calendar_intro: &'static str,
    pub yearly_plan: &'static str,
    pub week: &'static str,
    pub uncertainty: &'static str,
    pub uncertainty_intro: &'static str,
    pub no_uncertainty: &'static str,
    pub calendar_uncertainty: &'static str,
    pub range_axis: &'static str,
    pub all_threats: &'static str,
    pub tornado: &'static str,
    pub tornado_intro: &'static str,
    pub beats_baseline: &'static str,
    pub draws: &'static str,
    pub footer: &'static str,
}

/// English.
static EN: Strings = Strings {
    title: "Anti-fraud publicity plan",
    strategy: "planned with",
    money_limit: "money",
    hours_limit: "staff hours",
    unlimited: "unlimited",
    yuan: "yuan",
    per_year: "a year",
    kpis: "Headline figures",
    prevented_loss: "Loss prevented",
    prevented_cases: "Cases prevented",
    spend: "Spend",
    staff_hours: "Staff hours",
    of_limit: "of",
    bound: "Certified bound",
    gap_at_most: "no plan prevents more; this plan is at most this far from the best:",
    no_bound: "not computed",
    versus: "Against",
    times_baseline: "times the loss it prevents",
    reach: "Reach (1+ exposures)",
    effective_reach: "Effective reach (3+)",
    cost_per_case: "Cost per case prevented",
    loss_at_risk: "Loss at risk without a campaign",
    tasks: "Tasks by department",
    tasks_intro: "What each department runs: which message, on which placement, how many units, when, at what cost and staff time. Setup and production costs are paid once.",
    no_department: "No department",
    what: "What (message)",
    format: "format",
    where_: "Where (placement)",
    channel: "Channel",
    how_many: "How many",
    when: "When",
    cost: "Cost",
    hours: "Staff hours",
    all_year: "over the year",
    weeks: "weeks",
    setup: "setup",
    production: "production",
    total: "Total",
    nothing_to_do: "Nothing to run.",
    limits: "Limits",
    limit: "Limit",
    used: "Used",
    left: "Left",
    binds: "binds",
    full_weeks: "Placement-weeks at their weekly capacity",
    unspent: "Unspent money",
    unspent_why: "The next units that would prevent more loss are stopped by other limits:",
    stopped_by: "stopped by",
    placements_word: "placements",
    floors: "Fairness floors",
    group: "Group",
    region: "Region",
    threat: "Threat",
    required: "Required reduction",
    reached: "Reached",
    met: "met",
    not_met: "not met",
    no_floors: "The scenario has no fairness floors.",
    floor_price: "What each floor costs",
    floor_price_intro: "Loss prevented with the floor and when re-planned without it; the certified bound without it caps the price.",
    value_with: "With it",
    value_without: "Without it",
    price: "Price",
    price_at_most: "At most",
    siloed: "Planning together against each department alone",
    siloed_intro: "Each department plans alone with its own budget, channels and messages; their sum against one joint plan.",
    joint_plan: "Joint plan",
    siloed_total: "Departments alone, summed",
    alone: "alone",
    together_worth: "Planning together prevents more, a year:",
    frontier: "Budget frontier",
    frontier_intro: "Loss prevented against the money available (other limits unchanged); the band reaches up to the certified bound, which no plan can exceed.",
    budget: "Budget",
    bound_band: "certified bound (no plan above)",
    knee: "knee",
    current_budget: "this budget",
    spend_by_department: "Spend by department",
    spend_by_channel: "Spend by channel",
    production_apart: "Production of messages is paid by the message's department and is not attributed to a channel.",
    heat_map: "Risk reduction by group and threat",
    heat_intro: "Share of each group's cases of each threat that the plan prevents.",
    response: "Response of the main placements",
    response_intro: "Loss prevented by the whole plan as the units of one placement scale from none to twice the plan's (others held fixed); the dot is the plan.",
    spend_on_placement: "Spend on the placement",
    marginal: "Marginal return",
    marginal_axis: "yuan prevented per yuan",
    today: "plan",
    calendar: "Calendar: spend per week and channel",
    calendar_intro: "Unit costs of each channel in each campaign week.",
    yearly_plan: "This is a yearly plan: it says how much to run over the year, not in which week. For a week-by-week calendar, plan with --weeks N (e.g. --weeks 12).",
    week: "week",
    uncertainty: "How sure: range over the uncertain assumptions",
    uncertainty_intro: "The plan's loss prevented over draws of the scenario's uncertainty section: bar from the 5% to the 95% quantile, line at the median.",
    no_uncertainty: "Not computed: the scenario has no uncertainty section, or it was not drawn.",
    calendar_uncertainty: "Not drawn for a calendar plan: the uncertainty section describes the yearly cells. Plan without --weeks to see the range.",
    range_axis: "loss prevented (yuan a year)",
    all_threats: "All threats",
    tornado: "Which assumptions move the result",
    tornado_intro: "Loss prevented with each uncertain assumption at its low and high value, the others at their centre; line: the centre.",
    beats_baseline: "Share of draws in which the plan beats",
    draws: "draws",
    footer: "Made with fanzha. Every figure is from the scenario's model; the bound is certified by duality.",
};

/// Chinese.
static ZH: Strings = Strings {
    title: "反诈宣传方案",
    strategy: "规划方法",
    money_limit: "资金",
    hours_limit: "人力工时",
    unlimited: "不限",
    yuan: "元",
    per_year: "每年",
    kpis: "核心指标",
    prevented_loss: "预防损失",
    prevented_cases: "预防案件",
    spend: "投入资金",
    staff_hours: "人力工时",
    of_limit: "/ 上限",
    bound: "可证上界",
    gap_at_most: "任何方案都不超过此值；本方案距最优至多：",
    no_bound: "未计算",
    versus: "对比",
    times_baseline: "倍",
    reach: "覆盖率（至少1次）",
    effective_reach: "有效覆盖率（至少3次）",
    cost_per_case: "每预防一案的成本",
    loss_at_risk: "不宣传时的风险损失",
    tasks: "各部门任务清单",
    tasks_intro: "各部门做什么：哪条宣传内容、在哪个投放位、多少单位、何时、花费与人力工时。开设费与制作费只付一次。",
    no_department: "未指定部门",
    what: "做什么（宣传内容）",
    format: "形式",
    where_: "在哪里（投放位）",
    channel: "渠道",
    how_many: "数量",
    when: "何时",
    cost: "花费",
    hours: "人力工时",
    all_year: "全年",
    weeks: "周",
    setup: "开设费",
    production: "制作费",
    total: "合计",
    nothing_to_do: "无任务。",
    limits: "资源上限",
    limit: "上限",
    used: "已用",
    left: "剩余",
    binds: "已用尽",
    full_weeks: "达到每周容量上限的投放位-周数",
    unspent: "未用资金",
    unspent_why: "能再预防损失的下一批投放被其他上限卡住：",
    stopped_by: "受限于",
    placements_word: "个投放位",
    floors: "公平底线",
    group: "人群",
    region: "地区",
    threat: "诈骗类型",
    required: "要求降幅",
    reached: "达到",
    met: "达标",
    not_met: "未达标",
    no_floors: "本情景没有公平底线。",
    floor_price: "每条底线的代价",
    floor_price_intro: "有此底线与去掉后重新规划的预防损失；去掉后的可证上界给出代价的上限。",
    value_with: "有底线",
    value_without: "无底线",
    price: "代价",
    price_at_most: "至多",
    siloed: "联合规划与各自为战",
    siloed_intro: "各部门只用自己的预算、渠道和宣传内容各自规划，其总和与一个联合方案对比。",
    joint_plan: "联合方案",
    siloed_total: "各自为战合计",
    alone: "单独",
    together_worth: "联合规划每年多预防：",
    frontier: "预算前沿",
    frontier_intro: "预防损失随可用资金变化（其他上限不变）；色带延伸到可证上界，任何方案都不会超过。",
    budget: "预算",
    bound_band: "可证上界（无方案能超过）",
    knee: "拐点",
    current_budget: "本预算",
    spend_by_department: "各部门投入",
    spend_by_channel: "各渠道投入",
    production_apart: "宣传内容制作费由内容所属部门支付，不计入渠道。",
    heat_map: "各人群、各诈骗类型的风险降幅",
    heat_intro: "本方案预防的各人群各类诈骗案件的比例。",
    response: "主要投放位的响应曲线",
    response_intro: "某一投放位的单位数从零到方案的两倍（其他不变）时整个方案的预防损失；圆点为本方案。",
    spend_on_placement: "该投放位的投入",
    marginal: "边际回报",
    marginal_axis: "每元预防的损失（元）",
    today: "本方案",
    calendar: "日历：每周各渠道投入",
    calendar_intro: "每个宣传周各渠道的单位费用。",
    yearly_plan: "这是年度方案：给出全年投放多少，不分周。需要分周日历时，用 --weeks N 规划（例如 --weeks 12）。",
    week: "周",
    uncertainty: "把握有多大：不确定假设下的范围",
    uncertainty_intro: "按情景的不确定性设定多次抽样时本方案的预防损失：条为5%到95%分位，竖线为中位数。",
    no_uncertainty: "未计算：情景没有不确定性设定，或未抽样。",
    calendar_uncertainty: "日历方案不抽样：不确定性设定描述的是年度单元。不加 --weeks 规划即可看到范围。",
    range_axis: "预防损失（元/年）",
    all_threats: "全部诈骗类型",
    tornado: "哪些假设影响最大",
    tornado_intro: "每个不确定假设取低值与高值（其他取中值）时的预防损失；竖线为中值。",
    beats_baseline: "抽样中本方案胜过以下方案的比例：",
    draws: "次抽样",
    footer: "由 fanzha 生成。所有数字来自情景模型；上界由对偶理论证明。",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse_and_differ() {
        assert_eq!("ZH".parse::<Lang>().unwrap(), Lang::Zh);
        assert_eq!("en".parse::<Lang>().unwrap(), Lang::En);
        assert!("de".parse::<Lang>().is_err());
        assert_ne!(Lang::Zh.strings().title, Lang::En.strings().title);
    }
}
