//! The catalogue of occupations and trades that flexible workers register
//! under and employers post jobs for.
//!
//! # Codes
//!
//! Each entry has a stable ASCII code of our own: a category slug
//! (`jiazheng`, `peisong`, …, from the pinyin of the category) and, for a
//! trade, `category.slug` (`jiazheng.baojie`). The parent of `a.b` is `a`.
//! Codes are stored in the database and appear in URLs, so they never change
//! and are never reused; renaming an entry keeps its code.
//!
//! # 职业分类大典 codes
//!
//! `dadian_code` is the code in 《中华人民共和国职业分类大典》 of the
//! occupation the trade belongs to, filled in only where it was checked
//! against a published national occupational skill standard (国家职业技能
//! 标准) printing that code: 家政服务员 4-10-01-06 (2019), 养老护理员
//! 4-10-01-05, 网约配送员 4-02-07-10 (2021), 互联网营销师 4-01-02-07 (2021),
//! 中式烹调师 4-03-02-01 and 美容师 4-10-03-01 (standards citing the 2022
//! edition). Where a trade is a 工种 of a larger occupation (直播销售员 of
//! 互联网营销师, 母婴护理员 of 家政服务员) the code is that occupation's.
//! Everything else is `None` rather than a guess; adding a code needs the
//! same kind of source.
//!
//! # Synonyms
//!
//! Synonyms are the words people actually type (月嫂, 骑手, 钟点工). Across
//! the whole catalogue names and synonyms are unique, so
//! [`resolve_occupation`] is unambiguous (a test enforces it); the search
//! index in `linghuo-market` feeds on the same lists.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Serialize;

/// One entry of the catalogue: a category (no parent) or a trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Occupation {
    pub code: &'static str,
    pub name: &'static str,
    pub parent: Option<&'static str>,
    /// 职业分类大典 code like `"4-10-01-06"`, only where verified (see module docs).
    pub dadian_code: Option<&'static str>,
    pub synonyms: &'static [&'static str],
    /// A 新职业 or 新工种 announced by the Ministry of Human Resources and
    /// Social Security since 2019 (网约配送员, 直播销售员, 社群健康助理员 …).
    pub new_occupation: bool,
    /// For categories: the usual forms of flexible work in this field, as a
    /// short Chinese hint for forms and job posts. `None` on trades, which
    /// inherit their category's hint (see [`Occupation::effective_forms_hint`]).
    pub forms_hint: Option<&'static str>,
}

impl Occupation {
    pub fn is_category(&self) -> bool {
        self.parent.is_none()
    }

    pub fn is_leaf(&self) -> bool {
        !CATALOGUE.iter().any(|o| o.parent == Some(self.code))
    }

    /// The top-level category this entry belongs to (itself for a category).
    pub fn category(&self) -> &'static Occupation {
        let mut current = occupation(self.code).expect("entries come from the catalogue");
        while let Some(parent) = current.parent {
            current = occupation(parent).expect("parents exist (tested)");
        }
        current
    }

    /// The entry's own hint, or the nearest ancestor's.
    pub fn effective_forms_hint(&self) -> Option<&'static str> {
        let mut current = occupation(self.code)?;
        loop {
            if current.forms_hint.is_some() {
                return current.forms_hint;
            }
            current = occupation(current.parent?)?;
        }
    }
}

const fn category(code: &'static str, name: &'static str, forms_hint: &'static str) -> Occupation {
    Occupation {
        code,
        name,
        parent: None,
        dadian_code: None,
        synonyms: &[],
        new_occupation: false,
        forms_hint: Some(forms_hint),
    }
}

const fn trade(
    parent: &'static str,
    code: &'static str,
    name: &'static str,
    synonyms: &'static [&'static str],
) -> Occupation {
    Occupation {
        code,
        name,
        parent: Some(parent),
        dadian_code: None,
        synonyms,
        new_occupation: false,
        forms_hint: None,
    }
}

impl Occupation {
    const fn dadian(mut self, code: &'static str) -> Occupation {
        self.dadian_code = Some(code);
        self
    }

    const fn flagged_new(mut self) -> Occupation {
        self.new_occupation = true;
        self
    }
}

// One entry per line reads as a table; rustfmt would explode it.
#[rustfmt::skip]
static CATALOGUE: &[Occupation] = &[
    // 家政服务
    category("jiazheng", "家政服务", "按小时、按次或住家，常经家政公司、门店或平台派单，多为非全日制"),
    trade("jiazheng", "jiazheng.jiazhengyuan", "家政服务员", &["家政员", "家政", "保姆", "住家保姆", "家务服务员"]).dadian("4-10-01-06"),
    trade("jiazheng", "jiazheng.baojie", "家庭保洁员", &["家庭保洁", "钟点工", "小时工", "家庭清洁", "上门保洁"]),
    trade("jiazheng", "jiazheng.zhaohu", "家庭照护员", &["家庭照护", "居家照护"]).dadian("4-10-01-06"),
    trade("jiazheng", "jiazheng.shouna", "整理收纳师", &["收纳师", "整理师", "收纳整理", "上门收纳"]).flagged_new(),
    trade("jiazheng", "jiazheng.pengren", "家庭烹饪员", &["家庭厨师", "上门做饭", "做饭阿姨", "私厨"]),
    trade("jiazheng", "jiazheng.jiadian_qingxi", "家电清洗员", &["家电清洗", "油烟机清洗", "空调清洗", "洗衣机清洗"]),
    trade("jiazheng", "jiazheng.xiyi", "洗衣护理员", &["洗衣工", "干洗", "衣物护理", "洗衣店店员"]),
    trade("jiazheng", "jiazheng.chongwu", "宠物照护员", &["宠物托管", "上门喂猫", "遛狗", "宠物寄养", "宠物美容"]),
    // 养老护理
    category("yanglao", "养老护理", "机构排班或居家上门，按月、按天或按次计酬"),
    trade("yanglao", "yanglao.huliyuan", "养老护理员", &["养老护理工", "老人护理", "护理员", "敬老院护理"]).dadian("4-10-01-05"),
    trade("yanglao", "yanglao.hugong", "医院护工", &["护工", "陪护", "病人陪护", "住院陪护"]),
    trade("yanglao", "yanglao.jujia", "居家养老服务员", &["居家养老", "上门养老", "助老员"]),
    trade("yanglao", "yanglao.jiankang_zhaohu", "健康照护师", &["健康照护", "照护师"]).flagged_new(),
    trade("yanglao", "yanglao.nengli_pinggu", "老年人能力评估师", &["能力评估师", "老年评估"]).flagged_new(),
    trade("yanglao", "yanglao.peizhen", "陪诊员", &["陪诊", "陪诊师", "就医陪同", "陪同就医"]),
    trade("yanglao", "yanglao.zhucan", "老年助餐员", &["老年助餐", "助餐员", "长者食堂"]),
    trade("yanglao", "yanglao.kangfu", "康复护理员", &["康复护理", "康复陪练", "康复助理"]),
    // 母婴育婴
    category("muying", "母婴育婴", "住家或白班，按月（26天）或按单计酬，多经家政公司或母婴平台"),
    trade("muying", "muying.muying_huli", "母婴护理员", &["月嫂", "母婴护理", "产妇护理", "月子护理", "金牌月嫂"]).dadian("4-10-01-06"),
    trade("muying", "muying.yuying", "育婴员", &["育婴师", "育儿嫂", "育儿阿姨", "带娃阿姨"]),
    trade("muying", "muying.baoyu", "保育员", &["幼儿园保育", "保育老师", "保育阿姨"]),
    trade("muying", "muying.tuoyu", "托育员", &["托育", "托育老师", "婴幼儿照护"]),
    trade("muying", "muying.cuiru", "催乳师", &["催乳", "通乳", "产后催乳"]),
    trade("muying", "muying.chankang", "产后康复师", &["产康", "产后修复", "产后康复"]),
    trade("muying", "muying.xiaoer_tuina", "小儿推拿师", &["小儿推拿", "儿童推拿"]),
    // 保洁绿化
    category("baojie", "保洁绿化", "物业、园区和环卫外包岗位，按月或按天计酬，也有按面积计件的开荒保洁"),
    trade("baojie", "baojie.baojieyuan", "保洁员", &["保洁", "清洁工", "清洁员", "保洁工", "保洁阿姨"]),
    trade("baojie", "baojie.wuye", "物业保洁员", &["物业保洁", "楼道保洁", "写字楼保洁", "商场保洁"]),
    trade("baojie", "baojie.kaihuang", "开荒保洁员", &["开荒保洁", "装修后保洁", "新房开荒"]),
    trade("baojie", "baojie.waiqiang", "外墙清洗工", &["外墙清洗", "蜘蛛人", "高空清洗", "玻璃幕墙清洗"]),
    trade("baojie", "baojie.huanwei", "环卫工", &["环卫", "清扫工", "道路保洁", "环卫工人"]),
    trade("baojie", "baojie.lvhua", "绿化工", &["绿化", "园林工", "园艺工", "花木养护", "园林绿化"]),
    trade("baojie", "baojie.xiaosha", "有害生物防制员", &["消杀", "消杀员", "灭鼠", "除虫", "白蚁防治"]),
    trade("baojie", "baojie.laji_fenlei", "垃圾分类指导员", &["垃圾分类", "分类督导", "垃圾分类督导员"]),
    // 维修安装
    category("weixiu", "维修安装", "上门按单计费或个体经营，常经维修平台接单"),
    trade("weixiu", "weixiu.shuidian", "水电工", &["水电", "水电维修", "管道工", "水管工", "水暖工", "水电安装"]),
    trade("weixiu", "weixiu.diangong", "电工", &["家庭电工", "维修电工", "电路维修", "电工师傅"]),
    trade("weixiu", "weixiu.jiadian", "家电维修工", &["家电维修", "空调维修", "冰箱维修", "洗衣机维修", "热水器维修"]),
    trade("weixiu", "weixiu.kongtiao", "空调安装工", &["空调安装", "空调移机", "装空调"]),
    trade("weixiu", "weixiu.kaisuo", "开锁换锁师", &["开锁", "换锁", "锁匠", "开锁师傅"]),
    trade("weixiu", "weixiu.shouji", "手机维修员", &["手机维修", "修手机", "换屏"]),
    trade("weixiu", "weixiu.diannao", "电脑维修员", &["电脑维修", "修电脑", "装系统"]),
    trade("weixiu", "weixiu.qiche", "汽车维修工", &["汽修", "修车", "汽车修理工", "汽修工"]),
    trade("weixiu", "weixiu.diandongche", "电动车维修工", &["电动车维修", "修电动车", "电瓶车维修", "摩托车维修"]),
    trade("weixiu", "weixiu.fangshui", "防水补漏工", &["防水", "补漏", "防水工", "屋顶补漏"]),
    trade("weixiu", "weixiu.jiaju", "家具安装工", &["家具安装", "家具组装", "装家具", "家具维修"]),
    trade("weixiu", "weixiu.kuandai", "宽带安装维护员", &["宽带安装", "装宽带", "网络布线", "装网线"]),
    trade("weixiu", "weixiu.anfang", "安防设备安装工", &["监控安装", "装监控", "门禁安装", "智能门锁安装"]),
    // 建筑装修
    category("jianzhu", "建筑装修", "按天（点工）或按工程量（包工）计酬，常随班组流动"),
    trade("jianzhu", "jianzhu.wagong", "瓦工", &["泥瓦工", "泥工", "瓷砖工", "贴砖", "铺砖"]),
    trade("jianzhu", "jianzhu.qizhu", "砌筑工", &["砌墙", "砌砖工", "砌筑"]),
    trade("jianzhu", "jianzhu.mugong", "木工", &["木匠", "装修木工", "木工师傅"]),
    trade("jianzhu", "jianzhu.youqi", "油漆工", &["油工", "刷漆", "涂料工", "刷墙"]),
    trade("jianzhu", "jianzhu.hangong", "焊工", &["电焊工", "电焊", "气焊", "焊接工"]),
    trade("jianzhu", "jianzhu.gangjin", "钢筋工", &["绑钢筋", "钢筋绑扎"]),
    trade("jianzhu", "jianzhu.hunningtu", "混凝土工", &["打灰", "浇筑工", "混凝土浇筑"]),
    trade("jianzhu", "jianzhu.jiazi", "架子工", &["搭架子", "脚手架", "脚手架工"]),
    trade("jianzhu", "jianzhu.pugong", "建筑普工", &["小工", "力工", "壮工", "工地小工"]),
    trade("jianzhu", "jianzhu.diaoding", "吊顶工", &["吊顶", "石膏板", "龙骨吊顶"]),
    trade("jianzhu", "jianzhu.tadiao", "塔吊司机", &["塔吊", "塔式起重机司机", "塔吊司索工", "信号工"]),
    trade("jianzhu", "jianzhu.zhuangpeishi", "装配式建筑施工员", &["装配式施工", "装配式建筑"]).flagged_new(),
    // 搬运物流
    category("banyun", "搬运物流", "按天、按车或计件，旺季（电商大促、春节）临时用工多"),
    trade("banyun", "banyun.banjia", "搬家工", &["搬家", "搬家师傅", "搬家工人"]),
    trade("banyun", "banyun.zhuangxie", "装卸工", &["装卸", "搬运工", "卸货", "装车"]),
    trade("banyun", "banyun.cangguan", "仓库管理员", &["仓管", "库管", "仓库管理"]),
    trade("banyun", "banyun.fenjian", "分拣员", &["分拣", "快递分拣", "包裹分拣", "分拣工"]),
    trade("banyun", "banyun.dabao", "打包员", &["打包", "包装工", "电商打包"]),
    trade("banyun", "banyun.chache", "叉车司机", &["叉车", "叉车工", "叉车驾驶员"]),
    trade("banyun", "banyun.kuaidi", "快递员", &["快递", "快递小哥", "收派员", "快递派送"]),
    trade("banyun", "banyun.lihuo", "理货员", &["理货", "补货员", "上架员"]),
    // 配送外卖
    category("peisong", "配送外卖", "平台接单、按单计酬，多为众包或专送，时间自主"),
    trade("peisong", "peisong.wangyue", "网约配送员", &["外卖", "外卖员", "骑手", "外卖骑手", "送外卖", "外卖小哥", "美团骑手", "众包骑手"]).dadian("4-02-07-10").flagged_new(),
    trade("peisong", "peisong.paotui", "跑腿员", &["跑腿", "同城跑腿", "帮买帮送", "代买"]),
    trade("peisong", "peisong.tongcheng", "同城配送员", &["同城配送", "即时配送", "同城速递"]),
    trade("peisong", "peisong.songshui", "送水工", &["送水", "桶装水配送", "送桶装水"]),
    trade("peisong", "peisong.shengxian", "生鲜配送员", &["生鲜配送", "买菜配送", "送菜"]),
    trade("peisong", "peisong.tuancan", "团餐配送员", &["团餐配送", "送餐", "学生餐配送"]),
    // 出行运输
    category("chuxing", "出行运输", "平台接单或挂靠车队，按单或按趟计酬，多自备车辆"),
    trade("chuxing", "chuxing.wangyueche", "网约车司机", &["网约车", "专车", "专车司机", "快车司机", "顺风车司机"]),
    trade("chuxing", "chuxing.chuzuche", "出租车司机", &["出租车", "的哥", "的姐", "出租司机"]),
    trade("chuxing", "chuxing.daijia", "代驾司机", &["代驾", "酒后代驾", "代驾员"]),
    trade("chuxing", "chuxing.huoche", "货车司机", &["货运司机", "卡车司机", "货车驾驶员", "跑货运", "拉货司机"]),
    trade("chuxing", "chuxing.banche", "班车司机", &["通勤班车", "班车", "包车司机"]),
    trade("chuxing", "chuxing.jiaolian", "驾驶陪练员", &["陪驾", "驾驶陪练", "驾校教练", "学车教练"]),
    trade("chuxing", "chuxing.xiche", "洗车工", &["洗车", "汽车美容", "洗车店"]),
    trade("chuxing", "chuxing.tingche", "停车管理员", &["停车收费员", "停车场管理", "停车管理"]),
    // 餐饮服务
    category("canyin", "餐饮服务", "小时工、周末工和宴席临时工常见，按小时或按天计酬"),
    trade("canyin", "canyin.zhongcan", "中式烹调师", &["厨师", "炒菜师傅", "中餐厨师", "大厨", "厨子"]).dadian("4-03-02-01"),
    trade("canyin", "canyin.miandian", "中式面点师", &["面点师", "面点", "白案", "面食师傅", "拉面师傅"]),
    trade("canyin", "canyin.xidian", "西式面点师", &["烘焙师", "蛋糕师", "面包师", "烘焙"]),
    trade("canyin", "canyin.fuwuyuan", "餐厅服务员", &["服务员", "传菜员", "餐饮服务员", "点餐员"]),
    trade("canyin", "canyin.bangchu", "厨房帮工", &["帮厨", "切配", "洗碗工", "厨房杂工", "配菜员"]),
    trade("canyin", "canyin.kafei", "咖啡师", &["咖啡", "咖啡店员"]),
    trade("canyin", "canyin.chayi", "茶艺师", &["茶艺", "茶艺员", "茶馆服务员"]),
    trade("canyin", "canyin.yinpin", "饮品制作员", &["奶茶师", "奶茶", "调饮师", "奶茶店员"]),
    trade("canyin", "canyin.shaokao", "烧烤师", &["烧烤", "烤串师傅", "撸串"]),
    trade("canyin", "canyin.yingyang_peican", "营养配餐员", &["配餐员", "营养配餐", "食堂配餐"]),
    trade("canyin", "canyin.yanxi", "宴席服务员", &["宴席", "流水席", "酒席帮工", "婚宴服务员"]),
    // 美容美发
    category("meirong", "美容美发", "门店提成、租赁工位或上门服务，多为个体经营"),
    trade("meirong", "meirong.meifa", "美发师", &["理发师", "理发", "剪头", "发型师", "剃头"]),
    trade("meirong", "meirong.meirongshi", "美容师", &["美容", "皮肤管理", "皮肤管理师", "美容院"]).dadian("4-10-03-01"),
    trade("meirong", "meirong.meijia", "美甲师", &["美甲", "美睫", "美睫师"]),
    trade("meirong", "meirong.huazhuang", "化妆师", &["化妆", "跟妆", "新娘跟妆", "造型师"]),
    trade("meirong", "meirong.anmo", "保健按摩师", &["按摩", "推拿", "按摩师", "推拿师"]),
    trade("meirong", "meirong.zuliao", "足疗师", &["足疗", "足浴", "修脚", "修脚师"]),
    trade("meirong", "meirong.wenxiu", "纹绣师", &["纹绣", "纹眉", "半永久"]),
    // 零售与直播电商
    category("lingshou", "零售与直播电商", "门店小时工、促销临时工，或在直播、网店平台上个体经营"),
    trade("lingshou", "lingshou.zhibo", "直播销售员", &["直播", "带货主播", "主播", "直播带货", "直播销售", "电商主播", "互联网营销师"]).dadian("4-01-02-07").flagged_new(),
    trade("lingshou", "lingshou.xuanpin", "选品员", &["选品", "直播选品", "电商选品"]).dadian("4-01-02-07").flagged_new(),
    trade("lingshou", "lingshou.shipin_chuangtui", "视频创推员", &["短视频推广", "短视频带货", "视频带货"]).dadian("4-01-02-07").flagged_new(),
    trade("lingshou", "lingshou.wangdian", "网店店主", &["网店", "开网店", "电商创业", "网店运营"]),
    trade("lingshou", "lingshou.yingyeyuan", "营业员", &["售货员", "店员", "导购", "导购员"]),
    trade("lingshou", "lingshou.shouyin", "收银员", &["收银", "收银台"]),
    trade("lingshou", "lingshou.tuanzhang", "社区团购团长", &["团长", "社区团购", "团购团长"]),
    trade("lingshou", "lingshou.tanwei", "摊位经营者", &["摆摊", "地摊", "流动摊贩", "夜市摊主", "早餐摊"]),
    trade("lingshou", "lingshou.cuxiao", "促销员", &["促销", "推销员", "地推", "地推员"]),
    // 农业
    category("nongye", "农业", "季节性务工、按天或计件，或以家庭农场、合作社形式经营"),
    trade("nongye", "nongye.zhongzhi", "农作物种植工", &["种地", "种植", "种粮", "杂粮种植"]),
    trade("nongye", "nongye.shucai", "设施蔬菜种植工", &["大棚种菜", "大棚", "温室种植", "蔬菜种植"]),
    trade("nongye", "nongye.guoshu", "果树工", &["果园管理", "剪枝", "果树修剪", "果农"]),
    trade("nongye", "nongye.caizhai", "季节性采摘工", &["采摘", "摘果", "收割帮工", "摘苹果"]),
    trade("nongye", "nongye.xumu", "畜禽饲养员", &["养殖", "养猪", "养鸡", "养牛", "养羊", "饲养员"]),
    trade("nongye", "nongye.nongji", "农机手", &["农机驾驶员", "收割机手", "拖拉机手", "农机操作"]),
    trade("nongye", "nongye.wurenji", "无人机驾驶员", &["飞手", "植保无人机", "无人机飞手", "无人机植保"]).flagged_new(),
    trade("nongye", "nongye.jingliren", "农业经理人", &["合作社经理", "农场经理"]).flagged_new(),
    trade("nongye", "nongye.nongcun_dianshang", "农村电商服务员", &["农村电商", "电商服务站", "农产品网销"]),
    // 安保
    category("anbao", "安保", "保安公司派驻，按月或按班计酬；大型活动多临时用工"),
    trade("anbao", "anbao.baoan", "保安员", &["保安", "门卫", "安保员"]),
    trade("anbao", "anbao.xunluo", "巡逻员", &["巡逻", "夜巡", "巡防员"]),
    trade("anbao", "anbao.huodong", "活动执勤员", &["活动安保", "大型活动安保", "临时安保", "赛事安保"]),
    trade("anbao", "anbao.jiankong", "监控值机员", &["监控员", "安防监控", "监控值班"]),
    trade("anbao", "anbao.xiaokong", "消防设施操作员", &["消控员", "消防中控", "消防设施操作", "消防值班"]),
    trade("anbao", "anbao.anjian", "安检员", &["安检", "安检员工"]),
    trade("anbao", "anbao.xieguan", "交通协管员", &["协管员", "交通协管", "路口协管"]),
    // 教育培训
    category("jiaoyu", "教育培训", "按课时计酬，上门、线上或机构兼职"),
    trade("jiaoyu", "jiaoyu.jiajiao", "家庭教师", &["家教", "上门家教", "辅导老师", "一对一辅导"]),
    trade("jiaoyu", "jiaoyu.tuoguan", "托管辅导员", &["托管", "课后托管", "作业辅导", "小饭桌"]),
    trade("jiaoyu", "jiaoyu.yishu", "艺术培训教师", &["钢琴老师", "美术老师", "舞蹈老师", "声乐老师", "艺术培训"]),
    trade("jiaoyu", "jiaoyu.shufa", "书法教师", &["书法老师", "练字", "书法培训"]),
    trade("jiaoyu", "jiaoyu.zhineng", "职业技能培训师", &["技能培训", "培训讲师", "实训老师"]),
    trade("jiaoyu", "jiaoyu.jiating_jiaoyu", "家庭教育指导师", &["家庭教育", "家庭教育指导"]),
    trade("jiaoyu", "jiaoyu.xianshang", "在线教育辅导员", &["网课老师", "线上辅导", "助教", "在线辅导"]),
    trade("jiaoyu", "jiaoyu.yanxue", "研学旅行指导师", &["研学导师", "研学", "研学旅行"]),
    // 社区健康
    category("jiankang", "社区健康", "社区、机构兼职或上门服务，按次或按月计酬"),
    trade("jiankang", "jiankang.shequn", "社群健康助理员", &["社群健康", "健康助理", "社区健康助理"]).flagged_new(),
    trade("jiankang", "jiankang.guanli", "健康管理师", &["健康管理", "慢病管理"]),
    trade("jiankang", "jiankang.yingyang", "公共营养师", &["营养师", "营养指导"]),
    trade("jiankang", "jiankang.xinli", "心理咨询员", &["心理咨询", "心理咨询师", "心理疏导"]),
    trade("jiankang", "jiankang.liliao", "中医理疗员", &["理疗", "艾灸", "刮痧", "拔罐", "理疗师"]),
    trade("jiankang", "jiankang.yiyao", "医药商品购销员", &["药店店员", "药店营业员", "医药代表"]),
    trade("jiankang", "jiankang.jiayi", "家庭医生助理", &["家医助理", "签约服务助理"]),
    // 文体娱乐
    category("wenti", "文体娱乐", "按场次、课时或项目计酬，多为自由职业"),
    trade("wenti", "wenti.jianshen", "健身教练", &["私教", "私人教练", "健身私教", "瑜伽教练"]),
    trade("wenti", "wenti.youyong", "游泳教练", &["游泳", "救生员", "游泳救生员"]),
    trade("wenti", "wenti.shehui_tiyu", "社会体育指导员", &["全民健身指导", "广场舞教练", "体育指导员"]),
    trade("wenti", "wenti.yanchu", "演出人员", &["驻唱", "歌手", "乐手", "演员", "群众演员"]),
    trade("wenti", "wenti.xiqu", "戏曲演员", &["晋剧", "晋剧演员", "戏曲", "唱戏", "蒲剧"]),
    trade("wenti", "wenti.siyi", "婚礼主持人", &["司仪", "婚礼司仪", "主持人", "婚庆主持"]),
    trade("wenti", "wenti.sheying", "摄影师", &["摄影", "跟拍", "婚纱摄影", "摄像"]),
    trade("wenti", "wenti.daoyou", "导游", &["地陪", "讲解员", "景区讲解", "导游员"]),
    trade("wenti", "wenti.dianjing", "电子竞技员", &["电竞", "电竞选手", "职业电竞"]).flagged_new(),
    // 制造加工
    category("zhizao", "制造加工", "工厂临时工、小时工、计件工，或居家承接外发手工活"),
    trade("zhizao", "zhizao.pugong", "生产线操作工", &["普工", "流水线工人", "操作工", "流水线", "计件工"]),
    trade("zhizao", "zhizao.fengren", "缝纫工", &["缝纫", "裁缝", "制衣工", "车缝工"]),
    trade("zhizao", "zhizao.zhijian", "质检员", &["质检", "检验员", "品检"]),
    trade("zhizao", "zhizao.shougongyi", "手工艺制作者", &["手工艺", "剪纸", "面塑", "布艺", "手工编织"]),
    trade("zhizao", "zhizao.waifa", "居家手工加工", &["手工外发", "居家手工", "外发加工", "串珠"]),
    trade("zhizao", "zhizao.shipin", "食品加工工", &["食品加工", "面食加工", "月饼加工", "食品厂"]),
    trade("zhizao", "zhizao.qiangong", "钳工", &["装配钳工", "维修钳工"]),
    trade("zhizao", "zhizao.chegong", "车工", &["数控车工", "车床工", "数控操作工"]),
    trade("zhizao", "zhizao.zhuangpei", "装配工", &["组装工", "电子装配", "组装"]),
    // 信息技术与数字服务
    category("shuzi", "信息技术与数字服务", "远程、按项目或按件计酬，常经众包平台接单"),
    trade("shuzi", "shuzi.biaozhu", "数据标注员", &["数据标注", "标注员", "AI标注", "图片标注"]).flagged_new(),
    trade("shuzi", "shuzi.ai_xunlian", "人工智能训练师", &["AI训练师", "人工智能训练", "大模型训练师"]).flagged_new(),
    trade("shuzi", "shuzi.quanmeiti", "全媒体运营师", &["新媒体运营", "公众号运营", "自媒体运营", "短视频运营"]).flagged_new(),
    trade("shuzi", "shuzi.chengxuyuan", "软件开发工程师", &["程序员", "软件开发", "网站开发", "前端开发", "后端开发"]),
    trade("shuzi", "shuzi.sheji", "平面设计师", &["平面设计", "美工", "海报设计", "UI设计"]),
    trade("shuzi", "shuzi.jianji", "视频剪辑师", &["剪辑", "视频剪辑", "后期制作", "剪辑师"]),
    trade("shuzi", "shuzi.kefu", "客服专员", &["客服", "在线客服", "电话客服", "远程客服", "电商客服"]),
    trade("shuzi", "shuzi.fanyi", "翻译", &["笔译", "口译", "翻译员"]),
    trade("shuzi", "shuzi.luru", "数据录入员", &["录入员", "打字员", "数据录入", "文字录入"]),
    trade("shuzi", "shuzi.wenan", "文案写手", &["文案", "撰稿", "写手", "文案策划"]),
    trade("shuzi", "shuzi.yunwei", "网络运维员", &["网管", "运维", "网络维护"]),
];

struct Index {
    by_code: HashMap<&'static str, usize>,
    /// Names and synonyms (unique across the catalogue, tested).
    by_word: HashMap<&'static str, usize>,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut by_code = HashMap::new();
    let mut by_word = HashMap::new();
    for (i, o) in CATALOGUE.iter().enumerate() {
        by_code.insert(o.code, i);
        by_word.entry(o.name).or_insert(i);
        for s in o.synonyms {
            by_word.entry(*s).or_insert(i);
        }
    }
    Index { by_code, by_word }
});

/// The whole catalogue: categories, each followed by its trades.
pub fn occupations() -> &'static [Occupation] {
    CATALOGUE
}

/// The top-level categories in catalogue order.
pub fn occupation_categories() -> Vec<&'static Occupation> {
    CATALOGUE.iter().filter(|o| o.is_category()).collect()
}

pub fn occupation(code: &str) -> Option<&'static Occupation> {
    INDEX.by_code.get(code).map(|&i| &CATALOGUE[i])
}

/// All descendants of `code` (not including itself), in catalogue order.
pub fn occupation_children(code: &str) -> Vec<&'static Occupation> {
    CATALOGUE
        .iter()
        .filter(|o| {
            let mut parent = o.parent;
            while let Some(p) = parent {
                if p == code {
                    return true;
                }
                parent = occupation(p).and_then(|po| po.parent);
            }
            false
        })
        .collect()
}

/// Resolves a code, an exact name or a synonym: `"jiazheng.baojie"`,
/// `"家庭保洁员"`, `"钟点工"`. Whitespace and full-width letters are
/// forgiven; ASCII codes and synonyms (`AI标注`) match case-insensitively.
pub fn resolve_occupation(name_or_code: &str) -> Option<&'static Occupation> {
    let key = crate::input::compact(name_or_code);
    if key.is_empty() {
        return None;
    }
    let lower = key.to_lowercase();
    if let Some(o) = occupation(&lower) {
        return Some(o);
    }
    if let Some(&i) = INDEX.by_word.get(key.as_str()) {
        return Some(&CATALOGUE[i]);
    }
    CATALOGUE.iter().find(|o| {
        o.name.to_lowercase() == lower || o.synonyms.iter().any(|s| s.to_lowercase() == lower)
    })
}

/// Trades whose name or a synonym contains `query` (a plain substring match
/// for pick-lists and form autocompletion; ranked search lives in the market
/// crate). Exact resolutions come first.
pub fn search_occupations(query: &str) -> Vec<&'static Occupation> {
    let q = crate::input::compact(query).to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let exact = resolve_occupation(&q);
    let mut found: Vec<&'static Occupation> = exact.into_iter().collect();
    for o in CATALOGUE.iter().filter(|o| !o.is_category()) {
        let hit = o.name.contains(&q) || o.synonyms.iter().any(|s| s.to_lowercase().contains(&q));
        if hit && !found.iter().any(|f| f.code == o.code) {
            found.push(o);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Every code of the catalogue as it stood before the data file (184
    /// entries). Codes live in databases and URLs: none may disappear.
    const CODES_BEFORE_THE_DATA_FILE: [&str; 184] = [
        "jiazheng",
        "jiazheng.jiazhengyuan",
        "jiazheng.baojie",
        "jiazheng.zhaohu",
        "jiazheng.shouna",
        "jiazheng.pengren",
        "jiazheng.jiadian_qingxi",
        "jiazheng.xiyi",
        "jiazheng.chongwu",
        "yanglao",
        "yanglao.huliyuan",
        "yanglao.hugong",
        "yanglao.jujia",
        "yanglao.jiankang_zhaohu",
        "yanglao.nengli_pinggu",
        "yanglao.peizhen",
        "yanglao.zhucan",
        "yanglao.kangfu",
        "muying",
        "muying.muying_huli",
        "muying.yuying",
        "muying.baoyu",
        "muying.tuoyu",
        "muying.cuiru",
        "muying.chankang",
        "muying.xiaoer_tuina",
        "baojie",
        "baojie.baojieyuan",
        "baojie.wuye",
        "baojie.kaihuang",
        "baojie.waiqiang",
        "baojie.huanwei",
        "baojie.lvhua",
        "baojie.xiaosha",
        "baojie.laji_fenlei",
        "weixiu",
        "weixiu.shuidian",
        "weixiu.diangong",
        "weixiu.jiadian",
        "weixiu.kongtiao",
        "weixiu.kaisuo",
        "weixiu.shouji",
        "weixiu.diannao",
        "weixiu.qiche",
        "weixiu.diandongche",
        "weixiu.fangshui",
        "weixiu.jiaju",
        "weixiu.kuandai",
        "weixiu.anfang",
        "jianzhu",
        "jianzhu.wagong",
        "jianzhu.qizhu",
        "jianzhu.mugong",
        "jianzhu.youqi",
        "jianzhu.hangong",
        "jianzhu.gangjin",
        "jianzhu.hunningtu",
        "jianzhu.jiazi",
        "jianzhu.pugong",
        "jianzhu.diaoding",
        "jianzhu.tadiao",
        "jianzhu.zhuangpeishi",
        "banyun",
        "banyun.banjia",
        "banyun.zhuangxie",
        "banyun.cangguan",
        "banyun.fenjian",
        "banyun.dabao",
        "banyun.chache",
        "banyun.kuaidi",
        "banyun.lihuo",
        "peisong",
        "peisong.wangyue",
        "peisong.paotui",
        "peisong.tongcheng",
        "peisong.songshui",
        "peisong.shengxian",
        "peisong.tuancan",
        "chuxing",
        "chuxing.wangyueche",
        "chuxing.chuzuche",
        "chuxing.daijia",
        "chuxing.huoche",
        "chuxing.banche",
        "chuxing.jiaolian",
        "chuxing.xiche",
        "chuxing.tingche",
        "canyin",
        "canyin.zhongcan",
        "canyin.miandian",
        "canyin.xidian",
        "canyin.fuwuyuan",
        "canyin.bangchu",
        "canyin.kafei",
        "canyin.chayi",
        "canyin.yinpin",
        "canyin.shaokao",
        "canyin.yingyang_peican",
        "canyin.yanxi",
        "meirong",
        "meirong.meifa",
        "meirong.meirongshi",
        "meirong.meijia",
        "meirong.huazhuang",
        "meirong.anmo",
        "meirong.zuliao",
        "meirong.wenxiu",
        "lingshou",
        "lingshou.zhibo",
        "lingshou.xuanpin",
        "lingshou.shipin_chuangtui",
        "lingshou.wangdian",
        "lingshou.yingyeyuan",
        "lingshou.shouyin",
        "lingshou.tuanzhang",
        "lingshou.tanwei",
        "lingshou.cuxiao",
        "nongye",
        "nongye.zhongzhi",
        "nongye.shucai",
        "nongye.guoshu",
        "nongye.caizhai",
        "nongye.xumu",
        "nongye.nongji",
        "nongye.wurenji",
        "nongye.jingliren",
        "nongye.nongcun_dianshang",
        "anbao",
        "anbao.baoan",
        "anbao.xunluo",
        "anbao.huodong",
        "anbao.jiankong",
        "anbao.xiaokong",
        "anbao.anjian",
        "anbao.xieguan",
        "jiaoyu",
        "jiaoyu.jiajiao",
        "jiaoyu.tuoguan",
        "jiaoyu.yishu",
        "jiaoyu.shufa",
        "jiaoyu.zhineng",
        "jiaoyu.jiating_jiaoyu",
        "jiaoyu.xianshang",
        "jiaoyu.yanxue",
        "jiankang",
        "jiankang.shequn",
        "jiankang.guanli",
        "jiankang.yingyang",
        "jiankang.xinli",
        "jiankang.liliao",
        "jiankang.yiyao",
        "jiankang.jiayi",
        "wenti",
        "wenti.jianshen",
        "wenti.youyong",
        "wenti.shehui_tiyu",
        "wenti.yanchu",
        "wenti.xiqu",
        "wenti.siyi",
        "wenti.sheying",
        "wenti.daoyou",
        "wenti.dianjing",
        "zhizao",
        "zhizao.pugong",
        "zhizao.fengren",
        "zhizao.zhijian",
        "zhizao.shougongyi",
        "zhizao.waifa",
        "zhizao.shipin",
        "zhizao.qiangong",
        "zhizao.chegong",
        "zhizao.zhuangpei",
        "shuzi",
        "shuzi.biaozhu",
        "shuzi.ai_xunlian",
        "shuzi.quanmeiti",
        "shuzi.chengxuyuan",
        "shuzi.sheji",
        "shuzi.jianji",
        "shuzi.kefu",
        "shuzi.fanyi",
        "shuzi.luru",
        "shuzi.wenan",
        "shuzi.yunwei",
    ];

    #[test]
    fn every_code_ever_published_is_still_there() {
        for code in CODES_BEFORE_THE_DATA_FILE {
            assert!(occupation(code).is_some(), "{code} disappeared");
        }
    }

    #[test]
    fn at_least_a_hundred_trades_in_a_dozen_or_more_categories() {
        let leaves = CATALOGUE.iter().filter(|o| o.is_leaf()).count();
        assert!(leaves >= 100, "{leaves} leaves");
        let categories = occupation_categories().len();
        assert!((12..=20).contains(&categories), "{categories} categories");
        for c in occupation_categories() {
            assert!(occupation_children(c.code).len() >= 5, "{} is thin", c.code);
            assert!(c.forms_hint.is_some(), "{}", c.code);
        }
    }

    #[test]
    fn codes_are_unique_well_formed_and_nested() {
        let mut seen = HashSet::new();
        for o in CATALOGUE {
            assert!(seen.insert(o.code), "duplicate code {}", o.code);
            assert!(
                o.code.split('.').all(|seg| !seg.is_empty()
                    && seg
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')),
                "{}",
                o.code
            );
            match o.parent {
                None => assert!(!o.code.contains('.'), "{}", o.code),
                Some(p) => {
                    assert!(occupation(p).is_some(), "{} has missing parent {p}", o.code);
                    assert_eq!(
                        o.code.rsplit_once('.').map(|(a, _)| a),
                        Some(p),
                        "{}",
                        o.code
                    );
                    assert!(o.forms_hint.is_none() || o.is_category());
                }
            }
        }
    }

    #[test]
    fn no_cycles() {
        for o in CATALOGUE {
            let mut steps = 0;
            let mut current = o.parent;
            while let Some(p) = current {
                steps += 1;
                assert!(steps <= CATALOGUE.len(), "cycle through {}", o.code);
                current = occupation(p).and_then(|x| x.parent);
            }
            assert_eq!(o.category().parent, None);
        }
    }

    #[test]
    fn names_and_synonyms_are_unique_across_the_catalogue() {
        let mut words: HashMap<String, &str> = HashMap::new();
        for o in CATALOGUE {
            for w in std::iter::once(&o.name).chain(o.synonyms.iter()) {
                let key = w.to_lowercase();
                if let Some(other) = words.insert(key, o.code) {
                    panic!("{w} used by both {other} and {}", o.code);
                }
            }
        }
    }

    #[test]
    fn dadian_codes_are_well_formed() {
        for o in CATALOGUE {
            if let Some(code) = o.dadian_code {
                let parts: Vec<&str> = code.split('-').collect();
                assert_eq!(parts.len(), 4, "{code}");
                assert!(parts[0].len() == 1 && parts[1..].iter().all(|p| p.len() == 2));
                assert!(parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())));
            }
        }
        assert_eq!(
            resolve_occupation("家政服务员").unwrap().dadian_code,
            Some("4-10-01-06")
        );
        assert_eq!(
            resolve_occupation("网约配送员").unwrap().dadian_code,
            Some("4-02-07-10")
        );
    }

    #[test]
    fn resolution_by_code_name_and_synonym() {
        assert_eq!(
            resolve_occupation("月嫂").unwrap().category().code,
            "muying"
        );
        assert_eq!(resolve_occupation("月嫂").unwrap().name, "母婴护理员");
        assert_eq!(resolve_occupation("外卖").unwrap().code, "peisong.wangyue");
        assert_eq!(resolve_occupation("骑手").unwrap().name, "网约配送员");
        assert_eq!(resolve_occupation("网约车").unwrap().name, "网约车司机");
        assert_eq!(resolve_occupation("专车").unwrap().name, "网约车司机");
        assert_eq!(resolve_occupation("带货主播").unwrap().name, "直播销售员");
        assert_eq!(resolve_occupation("直播").unwrap().name, "直播销售员");
        assert_eq!(resolve_occupation("水电").unwrap().name, "水电工");
        assert_eq!(resolve_occupation("管道工").unwrap().name, "水电工");
        assert_eq!(resolve_occupation("保洁").unwrap().name, "保洁员");
        assert_eq!(resolve_occupation("钟点工").unwrap().name, "家庭保洁员");
        assert_eq!(resolve_occupation("清洁工").unwrap().name, "保洁员");
        assert_eq!(
            resolve_occupation(" jiazheng.baojie ").unwrap().name,
            "家庭保洁员"
        );
        assert_eq!(resolve_occupation("JIAZHENG").unwrap().name, "家政服务");
        assert_eq!(resolve_occupation("家政服务").unwrap().code, "jiazheng");
        assert_eq!(resolve_occupation("ai标注").unwrap().code, "shuzi.biaozhu");
        assert!(resolve_occupation("宇航员").is_none());
        assert!(resolve_occupation("").is_none());
    }

    #[test]
    fn children_are_all_descendants() {
        let kids = occupation_children("jiazheng");
        assert!(kids.iter().all(|o| o.parent == Some("jiazheng")));
        assert!(kids.iter().any(|o| o.code == "jiazheng.baojie"));
        assert!(occupation_children("jiazheng.baojie").is_empty());
        assert!(occupation_children("nope").is_empty());
        let total: usize = occupation_categories()
            .iter()
            .map(|c| occupation_children(c.code).len())
            .sum();
        assert_eq!(total + occupation_categories().len(), CATALOGUE.len());
    }

    #[test]
    fn new_occupations_are_flagged() {
        for name in ["网约配送员", "直播销售员", "社群健康助理员", "健康照护师"]
        {
            assert!(resolve_occupation(name).unwrap().new_occupation, "{name}");
        }
        assert!(!resolve_occupation("保安员").unwrap().new_occupation);
    }

    #[test]
    fn forms_hint_is_inherited() {
        let baojie = resolve_occupation("钟点工").unwrap();
        assert_eq!(baojie.forms_hint, None);
        assert_eq!(
            baojie.effective_forms_hint(),
            occupation("jiazheng").unwrap().forms_hint
        );
    }

    #[test]
    fn substring_search() {
        let hits: Vec<&str> = search_occupations("保洁").iter().map(|o| o.name).collect();
        assert_eq!(hits[0], "保洁员");
        assert!(hits.contains(&"家庭保洁员"));
        assert!(hits.contains(&"开荒保洁员"));
        assert!(!hits.contains(&"保安员"));
        assert!(search_occupations("").is_empty());
    }

    #[test]
    fn serializes_for_the_api() {
        let json = serde_json::to_value(occupation("peisong.wangyue").unwrap()).unwrap();
        assert_eq!(json["name"], "网约配送员");
        assert_eq!(json["parent"], "peisong");
        assert_eq!(json["new_occupation"], true);
    }
}
