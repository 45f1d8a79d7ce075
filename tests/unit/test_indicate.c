/* test_indicate.c - a figure's comparison indicator, table-driven.
 *
 * None of these phrases comes from the seeds or from ../shared/dev: they
 * are written the way reports from other provinces put things, across
 * the services the catalogue covers. Each expectation lists the figures
 * of the phrase as "surface=id", separated by ";", with "-" for a figure
 * that no comparison row takes. Every figure of the phrase is listed.
 */
#include "testlib.h"

#include "classify.h"
#include "extract.h"
#include "indicate.h"
#include "text.h"

static num_table *nt;
static text_rules *tr;
static extract_rules *er;
static classify_rules *cr;
static ind_rules *ir;

static int setup(void **state)
{
    (void)state;
    if (num_table_load(&nt, test_templates()) || text_rules_load(&tr, test_templates()) ||
        extract_rules_load(&er, test_templates(), nt) ||
        classify_rules_load(&cr, test_templates()) || ind_rules_load(&ir, test_templates()))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ind_rules_free(ir);
    classify_rules_free(cr);
    extract_rules_free(er);
    text_rules_free(tr);
    num_table_free(nt);
    return 0;
}

static const struct {
    const char *text, *expect;
} cases[] = {
    /* older people: populations and registers */
    { "全镇现有60周岁以上老年人4300余人。", "4300余人=elderly.population" },
    /* a negated verb counts what was not done; businesses are no row */
    { "全年办结群众诉求320件,不予受理45件。", "320件=governance.issues;45件=-" },
    { "新登记各类市场主体1200户。", "1200户=-" },
    /* the verb before a list of examples governs the figure */
    { "人社局开展就业技能培训,累计培训下岗职工、退役军人等群体320人次,助推就业。",
      "320人次=employment.training" },
    /* a hospital's courses are health talks; those who attend are served */
    { "医院推出用药安全线上直播课程6场,近5000人次在线听课。",
      "6场=health.lectures;近5000人次=general.served" },
    /* guests and zones are counted by no row */
    { "80多名来宾为12位高龄老人祝寿。", "80多名=-;12位=elderly.served" },
    { "招聘会设置企业招聘专区4个。", "4个=-" },
    /* services to older people leave out meals: in a canteen's sentence
     * a service act is a meal served */
    { "社区长者食堂开业以来老人就餐踊跃,已累计服务1.5万人次。", "1.5万人次=elderly.meals" },
    { "网格员上门服务独居老人,全年累计服务1.5万人次。", "1.5万人次=elderly.services" },
    /* a row for one group needs the group: at a clinic, 参与 is residents' */
    { "医院开展义诊和健康讲座,近2000人次参与。", "近2000人次=general.served" },
    { "目前辖区共有80岁以上高龄老人612名。", "612名=elderly.vulnerable" },
    { "街道摸排建档独居空巢老人215人。", "215人=elderly.vulnerable" },
    { "全区登记在册的失能半失能老人共计980人。", "980人=elderly.vulnerable" },
    { "社区约有65岁以上老人800人,占常住人口的两成。", "800人=elderly.population;两成=-" },
    /* older people: reached and served */
    { "为辖区128名高龄老人送去生日蛋糕。", "128名=elderly.served" },
    { "志愿者结对帮扶孤寡老人46名。", "46名=elderly.served" },
    { "全年为3200名老年人发放高龄津贴。", "3200名=elderly.served" },
    { "重阳节当天,90位老人参加了百家宴。", "90位=elderly.served" },
    { "为辖区独居老人上门服务460次。", "460次=elderly.services" },
    { "今年以来,志愿者入户探访老人2100余人次。", "2100余人次=elderly.services" },
    { "为老人提供理发、代购等上门服务1500余人次。", "1500余人次=elderly.services" },
    { "为行动不便老人代办事项320件。", "320件=elderly.services" },
    /* older people: activities and participants */
    { "老年大学开设书法、太极等兴趣班18个。", "18个=elderly.activities" },
    { "全年举办老年人文体活动56场次。", "56场次=elderly.activities" },
    { "为老人开展防诈骗讲座14场。", "14场=elderly.activities" },
    { "敬老月期间开展为老义剪活动9次。", "9次=elderly.activities" },
    { "老年课堂全年吸引老人参与3400余人次。", "3400余人次=elderly.participants" },
    /* older people: meals and places */
    { "全县已建成老年助餐点27个。", "27个=elderly.meal_points" },
    { "街道新建长者饭堂4家。", "4家=elderly.meal_points" },
    { "今年以来,助餐点累计为老人提供助餐服务3.6万人次。", "3.6万人次=elderly.meals" },
    { "社区食堂全年送餐上门8200份。", "8200份=elderly.meals" },
    { "老年食堂每天就餐老人约180人。", "约180人=elderly.meals_daily" },
    { "中央厨房日均供应老年餐600余份。", "600余份=elderly.meals_daily" },
    { "全市建成社区养老服务中心35个。", "35个=elderly.facilities" },
    { "新建日间照料中心6处。", "6处=elderly.facilities" },
    { "全区养老机构共有养老床位2400张。", "2400张=elderly.beds" },
    { "为困难老年人家庭实施适老化改造520户。", "520户=elderly.retrofit" },
    { "为独居老人安装智能烟感报警器300户。", "300户=elderly.retrofit" },
    /* older people: money */
    { "全年发放养老服务补贴资金860万元。", "860万元=elderly.funds" },
    { "爱心企业为敬老院捐赠物资价值3万元。", "3万元=elderly.funds" },
    { "80岁以上老人每人每月发放高龄补贴100元。", "100元=elderly.standard" },
    { "老人在助餐点就餐每餐只需6元。", "6元=elderly.standard" },
    { "助餐点对70周岁以上老人每餐补贴2元。", "2元=elderly.standard" },
    /* children */
    { "全县共有在校中小学生4.2万名。", "4.2万名=children.population" },
    { "目前全镇有农村留守儿童320名。", "320名=children.in_need" },
    { "全区登记在册困境儿童86名。", "86名=children.in_need" },
    { "暑期托管班招收学生260名。", "260名=children.served" },
    { "为58名困境儿童发放助学金。", "58名=children.served" },
    { "志愿者为留守儿童辅导作业1800余人次。", "1800余人次=children.services" },
    { "儿童主任入户走访困境儿童76次。", "76次=children.services" },
    { "暑假期间开展亲子阅读、科普研学等活动42场。", "42场=children.activities" },
    { "举办青少年夏令营3期。", "3期=children.activities" },
    { "全县建成儿童之家112个。", "112个=children.centres" },
    { "街道开设爱心暑托班8个。", "8个=children.centres" },
    { "为困境儿童发放关爱资金12.6万元。", "12.6万元=children.funds" },
    { "孤儿基本生活费每人每月1500元。", "1500元=children.standard" },
    /* employment */
    { "人社部门今年举办招聘会24场。", "24场=employment.fairs" },
    { "现场招聘活动共吸引86家企业参加。", "86家=employment.employers" },
    { "本次招聘会共提供就业岗位4500余个。", "4500余个=employment.jobs" },
    { "共有2300余名求职者进场应聘。", "2300余名=employment.seekers" },
    { "现场有420人达成初步就业意向。", "420人=employment.hires" },
    { "开展家政、电工等职业技能培训1600人次。", "1600人次=employment.training" },
    { "全县建成零工市场3个、零工驿站26个。", "3个=employment.markets;26个=employment.markets" },
    { "发放创业担保贷款2800万元。", "2800万元=employment.funds" },
    { "技术工人月收入可达6000元。", "6000元=employment.wage" },
    { "零工日工资150元至200元。", "150元至200元=employment.wage" },
    /* health */
    { "医院专家团队在社区开展义诊活动12次。", "12次=health.clinics" },
    { "义诊当天为群众免费测血压、测血糖600余人次。", "600余人次=health.patients" },
    { "为辖区居民免费体检2.4万人次。", "2.4万人次=health.patients" },
    { "活动共派出医护人员45名。", "45名=health.medics" },
    { "县内8家医疗机构参与义诊。", "8家=health.med_units" },
    { "辖区家庭医生签约居民1.1万人。", "1.1万人=health.fd_signed" },
    { "常住人口家庭医生签约率达到52.4%。", "52.4%=health.fd_rate" },
    { "卫生院开展健康知识讲座20场。", "20场=health.lectures" },
    { "现场发放健康宣传资料3000余份。", "3000余份=health.materials" },
    { "全区建成社区健康服务站18个。", "18个=health.stations" },
    { "为患者减免医药费18万元。", "18万元=health.funds" },
    /* party, community, volunteers */
    { "全市已有1.3万名在职党员到社区报到。", "1.3万名=governance.party_members" },
    { "街道新建小区党支部14个。", "14个=governance.party_orgs" },
    { "社区与驻区单位签订共建协议,共建单位达到32家。", "32家=governance.partners" },
    { "全街道划分网格56个。", "56个=governance.grids" },
    { "配备专职网格员120名。", "120名=governance.grid_workers" },
    { "社区注册志愿者达2600名。", "2600名=governance.volunteers" },
    { "全年开展志愿服务活动380次。", "380次=governance.volunteer_services" },
    { "组建红色志愿服务队21支。", "21支=governance.teams" },
    /* the head of the noun says what is counted: a labour force is no hire */
    { "全县外出务工的农村劳动力常年稳定在8万人左右。", "8万人左右=-" },
    { "全镇现有务工劳动力1.6万人。", "1.6万人=-" },
    { "今年以来实现农村劳动力转移就业3200人。", "3200人=employment.hires" },
    { "全市12万劳动力实现就业10.5万人。", "12万=-;10.5万人=employment.hires" },
    /* a noun left out after a verb's 了 is the last thing named before */
    { "2019年镇里建起第一家长者食堂。几年来已建成了6家,老人就近吃饭。",
      "6家=elderly.meal_points" },
    { "社区去年开办儿童之家,寒假又新开了2个。", "2个=children.centres" },
    { "全年目标培训电工2000人次,已完成1500人次。",
      "2000人次=employment.training;1500人次=employment.training" },
    /* not where a noun the catalogue does not know stands before it */
    { "辖区有养老院2家。小区物业公司有3家。", "2家=elderly.facilities;3家=-" },
    /* nor where its noun follows it */
    { "街道建成长者食堂4家,今年新增了2家快递驿站。", "4家=elderly.meal_points;2家=-" },
    /* people who form a volunteer team are its members: volunteers */
    { "街道动员86名退休教师、医生组建志愿服务队,为居民义务服务。", "86名=governance.volunteers" },
    { "120名大学生加入社区志愿服务队。", "120名=governance.volunteers" },
    /* a team that names no row of people leaves them what they are */
    { "全镇42名网格员成立党员先锋队。", "42名=governance.grid_workers" },
    /* a verb between them and the team: they are what they are */
    { "组织30名网格员走访辖区后成立志愿服务队。", "30名=governance.grid_workers" },
    { "累计为群众解决急难愁盼问题1280件。", "1280件=governance.issues" },
    { "帮助群众实现微心愿150个。", "150个=governance.issues" },
    { "入户走访收集居民意见建议420条。", "420条=governance.opinions" },
    { "调解室成功化解矛盾纠纷96起。", "96起=governance.disputes" },
    { "孵化培育社会组织15家。", "15家=governance.social_orgs" },
    /* the locality itself */
    { "该镇常住人口3.8万人。", "3.8万人=general.population" },
    { "社区现有住户2600户。", "2600户=general.households" },
    { "街道下辖11个社区。", "11个=general.communities" },
    { "今年新增便民停车位460个。", "460个=general.facilities" },
    { "活动惠及辖区群众5000余人。", "5000余人=general.served" },
    { "服务站全年服务居民1.2万人次。", "1.2万人次=general.served" },
    /* relief is aimed at a group in difficulty, not residents in general */
    { "今年以来临时救助困难群众860人次,发放救助金120万元。", "860人次=-;120万元=-" },
    /* a noun that names what no row counts */
    { "社区3名工作人员与独居老人结成帮扶对子。", "3名=-" },
    { "辖区有12个老旧小区。", "12个=-" },
    { "全县谋划重点项目46个。", "46个=-" },
    { "餐厅设有餐位120个。", "120个=-" },
    { "菜单有荤素菜品十余种。", "十余种=-" },
    /* counts of kinds and things nobody compares */
    { "服务涵盖助餐、助浴等8类。", "8类=-" },
    { "食堂面积达300平方米。", "" },
    { "全区网格平均人口800人。", "800人=-" },
    /* per-day figures only in daily rows */
    { "助餐点每天接待老人就餐120人次。", "120人次=elderly.meals_daily" },
    { "每天为老人配送午餐50余份。", "50余份=elderly.meals_daily" },
    { "零工市场日均服务求职者200余人次。", "200余人次=-" },
    /* plans keep their indicator; the cell leaves them out */
    { "明年计划新建老年助餐点15个。", "15个=elderly.meal_points" },
    { "年底前将新增养老床位300张。", "300张=elderly.beds" },
    /* stated parts and wholes */
    { "全年投入养老服务资金560万元,其中市级补助120万元,区级配套440万元。",
      "560万元=elderly.funds;120万元=-;440万元=-" },
    { "全县建成零工驿站20个,其中乡镇驿站12个。", "20个=employment.markets;12个=-" },
    { "新建城区食堂5个、村级食堂7个,共计12个助餐点。",
      "5个=-;7个=-;12个=elderly.meal_points" },
    { "共有志愿者860名,其中党员志愿者300名。", "860名=governance.volunteers;300名=-" },
    /* a part of another row is not a part */
    { "社区常住人口8600人,其中60岁以上老人1900人。",
      "8600人=general.population;1900人=elderly.population" },
    /* lists share their verb */
    { "开展义诊6次、健康讲座9场。", "6次=health.clinics;9场=health.lectures" },
    { "招聘会有企业45家参会,提供岗位1800个。", "45家=employment.employers;1800个=employment.jobs" },
    { "累计办理群众诉求930件,回访群众600余人次。", "930件=governance.issues;600余人次=general.served" },
    { "目前镇里约有老年人2900人,儿童1700人。",
      "2900人=elderly.population;1700人=children.population" },
    /* a population stated for one housing estate is not the locality's;
     * what is done there still counts */
    { "幸福小区常住居民800户、1900人,今年服务居民3000人次。",
      "800户=-;1900人=-;3000人次=general.served" },
    /* people served at a health event are its patients */
    { "开展健康义诊活动,惠及群众2000人次。", "2000人次=health.patients" },
    /* whom it serves decides between rows of the same thing */
    { "为老人开展健康体检430人次。", "430人次=elderly.services" },
    { "为学生开展视力筛查2800人次。", "2800人次=children.services" },
    { "为辖区群众开展健康体检1500人次。", "1500人次=health.patients" },
    { "发放慰问金8万元,慰问困难老人160名。", "8万元=elderly.funds;160名=elderly.served" },
    { "为留守儿童发放爱心物资价值2万元。", "2万元=children.funds" },
    { "为就业困难人员发放社保补贴320万元。", "320万元=employment.funds" },
    /* volunteers serve a group and stay volunteers */
    { "120名志愿者定期陪伴独居老人。", "120名=governance.volunteers" },
    { "组织大学生志愿者45名为儿童辅导功课。", "45名=governance.volunteers" },
    { "志愿者累计服务时长2.1万小时。", "2.1万小时=-" },
    /* volunteers counted in person-times are volunteer services */
    { "活动期间,参与的志愿者达600多人次。", "600多人次=governance.volunteer_services" },
    /* examples before 等 say less than what follows */
    { "开展理发、义诊、文艺演出等志愿服务活动56次。", "56次=governance.volunteer_services" },
    { "通过书法、剪纸等兴趣课堂,开展老年课程120节。", "120节=elderly.activities" },
    /* measure words and ranges */
    { "每个助餐点配备厨师2至3名。", "2至3名=-" },
    { "全区有4个街道、52个社区。", "4个=-;52个=general.communities" },
    { "医护人员共计30余名参与巡诊。", "30余名=health.medics" },
    { "每名网格员联系群众100户。", "100户=-" },
    /* money by the amount */
    { "为失能老人提供护理补贴每人每月300元。", "300元=elderly.standard" },
    { "老人早餐3元、午餐8元,均由政府补贴一半。", "3元=elderly.standard;8元=elderly.standard" },
    { "向敬老院捐款2万元。", "2万元=elderly.funds" },
    { "募集善款45万元用于儿童大病救助。", "45万元=children.funds" },
    /* jobs */
    { "举办线上直播带岗专场招聘活动6期。", "6期=employment.fairs" },
    { "320家用人单位发布岗位需求。", "320家=employment.employers" },
    { "帮助680名农村劳动力实现转移就业。", "680名=employment.hires" },
    { "零工驿站累计登记求职人员1900人。", "1900人=employment.seekers" },
    { "组织创业培训班学员210人。", "210人=employment.training" },
    /* health */
    { "组织巡回义诊活动18场次。", "18场次=health.clinics" },
    { "接受健康咨询的群众达960人次。", "960人次=health.patients" },
    { "来自5所医院的专家参加义诊。", "5所=health.med_units" },
    { "发放健康教育宣传册1200册。", "1200册=health.materials" },
    { "开设心理服务室7个。", "7个=health.stations" },
    { "家庭医生签约服务覆盖重点人群5600人。", "5600人=health.fd_signed" },
    /* governance */
    { "组织在职党员680名到社区认领岗位。", "680名=governance.party_members" },
    /* communities: counted as the noun, not where an activity goes */
    { "街道下辖9个社区、2个行政村。", "9个=general.communities;2个=general.communities" },
    { "医院专家在6个社区开展义诊活动。", "6个=-" },
    { "助老服务已覆盖12个社区。", "12个=-" },
    { "志愿者深入8个社区宣传防诈知识。", "8个=-" },
    { "全区5个社区级的党群服务中心全部建成。", "5个=-" },
    /* members a measure aims at or cares for are not members reporting:
     * those visited are people served */
    { "针对3名流动党员,支部开展线上学习。", "3名=-" },
    { "春节前支部慰问老党员28名。", "28名=general.served" },
    { "组织50名在职党员针对困难群众开展结对帮扶。", "50名=governance.party_members" },
    { "成立楼栋党小组34个。", "34个=governance.party_orgs" },
    { "联系辖区成员单位28家共同开展活动。", "28家=governance.partners" },
    { "细分微网格310个。", "310个=governance.grids" },
    { "收集群众需求清单85条。", "85条=governance.opinions" },
    { "排查调处各类矛盾纠纷52件。", "52件=governance.disputes" },
    { "全区登记注册社会组织230家。", "230家=governance.social_orgs" },
    { "组建党员先锋服务队12支。", "12支=governance.teams" },
    { "志愿者开展志愿服务4800人次。", "4800人次=governance.volunteer_services" },
    { "累计办结民生实事32项。", "32项=governance.issues" },
    /* the locality */
    { "该区户籍人口52万人。", "52万人=general.population" },
    { "新建健身器材点位40处。", "40处=general.facilities" },
    { "改造老旧路灯260盏。", "260盏=-" },
    { "服务惠及居民3万余人。", "3万余人=general.served" },
    /* children, more */
    { "全镇0至14岁儿童2100人。", "2100人=children.population" },
    { "关爱之家全年服务儿童560名。", "560名=children.served" },
    { "为事实无人抚养儿童发放生活补贴每人每月1200元。", "1200元=children.standard" },
    { "开展假期课业辅导课程64节。", "64节=children.activities" },
    { "新建托育机构3家。", "3家=children.centres" },
    /* one phrase or more for each row of the catalogue, as other places
     * report it; a household in difficulty is no household of the place,
     * and general.served counts no households */
    { "社区为辖区80岁以上高龄老人发放高龄津贴,惠及老人326名。", "326名=elderly.served" },
    { "今年以来,街道老年食堂累计供餐4.2万人次。", "4.2万人次=elderly.meals" },
    { "幸福食堂每天为120余名老人提供午餐。", "120余名=elderly.meals_daily" },
    { "全区建成社区嵌入式养老服务中心15家。", "15家=elderly.facilities" },
    { "今年新增养老床位320张。", "320张=elderly.beds" },
    { "为困难老年人家庭实施适老化改造186户。", "186户=elderly.retrofit" },
    { "老年大学开设书法、太极等课程42期。", "42期=elderly.activities" },
    { "全年开展银龄文体活动80余场,参与老人达1.2万人次。",
      "80余场=elderly.activities;1.2万人次=elderly.participants" },
    { "对辖区独居、空巢老人开展巡访3600余次。", "3600余次=elderly.services" },
    { "为老人提供上门理发、代购等服务2100余件次。", "2100余件次=elderly.services" },
    { "全镇共有留守儿童312名,已全部建立关爱档案。", "312名=children.in_need" },
    { "暑期托管班共招收小学生260名。", "260名=children.served" },
    { "开展亲子阅读、手工制作等儿童活动36场次。", "36场次=children.activities" },
    { "辖区共建成儿童之家28个。", "28个=children.centres" },
    { "为困境儿童发放助学金12.6万元。", "12.6万元=children.funds" },
    { "举办线下招聘会12场,参会企业230家,提供岗位5600余个,达成就业意向1100余人。",
      "12场=employment.fairs;230家=employment.employers;5600余个=employment.jobs;1100余人=employment.hires" },
    { "开展电工、家政等职业技能培训1500人次。", "1500人次=employment.training" },
    { "建成零工驿站6个。", "6个=employment.markets" },
    { "发放一次性创业补贴85万元。", "85万元=employment.funds" },
    { "零工市场日工资在150元左右。", "150元左右=employment.wage" },
    { "组织医护人员开展义诊活动24场,服务群众2600余人次。", "24场=health.clinics;2600余人次=health.patients" },
    { "发放健康宣传资料3000余份。", "3000余份=health.materials" },
    { "全镇家庭医生签约率达78.5%。", "78.5%=health.fd_rate" },
    { "举办健康知识讲座15期。", "15期=health.lectures" },
    { "30余名医护人员参与义诊。", "30余名=health.medics" },
    { "配备专兼职网格员156名。", "156名=governance.grid_workers" },
    { "全街道划分网格48个。", "48个=governance.grids" },
    { "与42家驻区单位签订共建协议。", "42家=governance.partners" },
    { "累计收集居民意见建议230条,解决群众急难愁盼问题186件。",
      "230条=governance.opinions;186件=governance.issues" },
    { "成功调解矛盾纠纷57起。", "57起=governance.disputes" },
    { "孵化培育社区社会组织23家。", "23家=governance.social_orgs" },
    { "社区现有居民3860户、9200余人。", "3860户=general.households;9200余人=general.population" },
    { "新建口袋公园5处。", "5处=general.facilities" },
    { "开展志愿服务活动260余次。", "260余次=governance.volunteer_services" },
    { "注册志愿者达4800人。", "4800人=governance.volunteers" },
    { "成立党员志愿服务队18支。", "18支=governance.teams" },
    { "在职党员到社区报到1260名。", "1260名=governance.party_members" },
    { "新建小区党支部14个。", "14个=governance.party_orgs" },
    { "走访慰问困难老人,送去慰问金和物资价值3.5万元。", "3.5万元=elderly.funds" },
    { "助餐点每餐收费8元,80岁以上老人每餐补贴3元。", "8元=elderly.standard;3元=elderly.standard" },
    { "各类惠民活动惠及群众1.8万人。", "1.8万人=general.served" },
    { "全县60周岁以上老年人口达8.6万人。", "8.6万人=elderly.population" },
    { "日间照料中心每天接待老人60余人次。", "60余人次=-" },
    { "为120户困难家庭送去米面油等物资。", "120户=-" },
    { "开展防溺水安全教育进校园活动18场,覆盖学生6000余人。",
      "18场=children.activities;6000余人=children.served" },
    { "组织辖区企业开展“春风行动”专场招聘,吸引求职者3200余人次。", "3200余人次=employment.seekers" },
    { "为老年人免费体检1280人。", "1280人=elderly.served" },
    { "家庭医生签约服务重点人群1.6万人。", "1.6万人=health.fd_signed" },
    /* help at home given by volunteers is a service to older people */
    { "组织党员志愿者为社区独居老人打扫卫生20余次。", "20余次=elderly.services" },
    /* mothers' and infants' care is health */
    { "为孕产妇提供产后访视服务320人次。", "320人次=health.patients" },
    /* a running total includes what its sentence, or the one before,
     * reported before it; not what another running total or a far
     * sentence reported */
    { "今年新建老年助餐点5个,累计建成助餐点30个。",
      "5个=-;30个=elderly.meal_points" },
    { "老年大学春季招生首日,报名学员达800多人次。截至3月10日,报名已超过1100人次。",
      "800多人次=-;超过1100人次=elderly.participants" },
    { "为12名残疾儿童发放护理补贴1.2万元。累计帮扶困难学生27人次,发放助学金1.7万元。",
      "12名=children.served;1.2万元=children.funds;27人次=children.services;1.7万元=children.funds" },
    { "今年开展敬老活动12场。社区还建成养老服务站2个。重阳节前后走访老人50户。累计开展敬老活动40场。",
      "12场=elderly.activities;2个=elderly.facilities;50户=elderly.served;40场=elderly.activities" },
    /* a seniors' activity room is an elder facility, whoever built it */
    { "社区还建成老年活动室2个。", "2个=elderly.facilities" },
    /* health for everyone yields to the group's row at an event for older
     * people; a key group's signing rate is no residents' rate; property
     * firms are no employers; a subgroup with its own row is no part */
    { "全镇组建家庭医生签约服务团队12个,签约重点人群8600人,重点人群签约率达82%。",
      "12个=governance.teams;8600人=health.fd_signed;82%=-" },
    { "为辖区65岁以上老年人开展免费健康体检3200人。",
      "3200人=elderly.served" },
    { "举办“健康大讲堂”8期,听课群众600余人次。",
      "8期=health.lectures;600余人次=general.served" },
    { "社区卫生服务站为居家老人上门送药120余次。", "120余次=elderly.services" },
    { "县医院组织专家下乡义诊6次,接诊群众1100余人次,发放药品价值1.2万元。",
      "6次=health.clinics;1100余人次=health.patients;1.2万元=health.funds" },
    { "依托“家门口就业服务站”,为辖区居民推荐就业岗位380个,帮助86人实现就业。",
      "380个=employment.jobs;86人=employment.hires" },
    { "开展家政服务员、养老护理员培训4期,培训学员210人。",
      "4期=-;210人=employment.training" },
    { "全市共设立零工市场3个、零工驿站26个。",
      "3个=employment.markets;26个=employment.markets" },
    { "为失业人员发放失业保险金436万元。", "436万元=employment.funds" },
    { "街道成立矛盾纠纷调解室9个,调处各类纠纷230余起,调解成功率98%。",
      "9个=-;230余起=governance.disputes;98%=-" },
    { "社区“红色物业”联盟吸纳物业企业14家。", "14家=-" },
    { "组建“银发志愿服务队”6支,吸纳低龄老人志愿者180名。",
      "6支=governance.teams;180名=governance.volunteers" },
    { "通过“随手拍”平台受理居民反映问题2360件,办结2298件。",
      "2360件=governance.issues;2298件=governance.issues" },
    { "辖区内共有党员1260名,其中在职党员840名。",
      "1260名=governance.party_members;840名=-" },
    { "全区有60岁以上户籍老人5.6万人,其中80岁以上高龄老人7800人。",
      "5.6万人=elderly.population;7800人=elderly.vulnerable" },
    { "開辦長者學苑課程16班,參與長者逾400人次。",
      "逾400人次=elderly.participants" },
    { "为120名环卫工人送去防暑降温物品。", "120名=general.served" },
    /* the very old at an age threshold are a register, not the population */
    { "全县现有80周岁以上老人3125人。", "3125人=elderly.vulnerable" },
    { "全镇60周岁以上老人4100人,90岁以上老人86人。",
      "4100人=elderly.population;86人=elderly.vulnerable" },
    /* party building and grids as other places report them; so much for
     * each one is no count */
    { "街道党工委推行“大党委”制,吸纳23家驻区单位为兼职委员单位。",
      "23家=governance.partners" },
    { "全区1.2万名在职党员全部到社区报到,认领服务项目3600余个。",
      "1.2万名=governance.party_members;3600余个=-" },
    { "社区设立楼栋党小组48个,选优配强楼栋长210名。",
      "48个=governance.party_orgs;210名=-" },
    { "将社区划分为36个网格,每个网格配备1名专职网格员。",
      "36个=governance.grids;1名=-" },
    { "网格员累计排查安全隐患1300余处,督促整改1260处。", "1300余处=-;1260处=-" },
    { "今年以来,“12345”热线共受理诉求4.6万件,按时办结率99.2%。",
      "4.6万件=governance.issues;99.2%=-" },
    { "开展“邻里议事会”42场次,协商解决加装电梯、停车难等问题37个。",
      "42场次=-;37个=governance.issues" },
    { "培育“社区能人”志愿服务团队12支,带动居民志愿者800余人。",
      "12支=governance.teams;800余人=governance.volunteers" },
    { "全年开展新时代文明实践志愿服务活动2100余场次,参与志愿者3.5万人次。",
      "2100余场次=governance.volunteer_services;3.5万人次=governance.volunteer_services" },
    { "引进专业社工机构3家,开发社区服务项目15个。",
      "3家=governance.social_orgs;15个=-" },
    /* as Taiwan reports them: care stations, day care, 志工 */
    { "區內社區照顧關懷據點已增至28處,每週提供共餐服務。", "28處=elderly.facilities" },
    { "今年新設2處日間照顧中心。", "2處=elderly.facilities" },
    { "結合志工團隊辦理長者健康講座36場,動員志工420人次。",
      "36場=health.lectures;420人次=governance.volunteer_services" },
    /* children's services as other places report them; children taking
     * part count as children's services */
    { "全县共排查摸底农村留守儿童1836名,建立“一人一档”。",
      "1836名=children.in_need" },
    { "为32名事实无人抚养儿童按每人每月1400元标准发放基本生活补贴。",
      "32名=children.served;1400元=children.standard" },
    { "“童伴妈妈”入户走访留守儿童家庭2600余次。",
      "2600余次=children.services" },
    { "依托“儿童主任”开展心理疏导、安全教育等服务3400人次。",
      "3400人次=children.services" },
    { "为辖区困境儿童募集爱心善款12.8万元,购置学习用品600余套。",
      "12.8万元=children.funds;600余套=-" },
    { "开展“快乐暑假”夏令营、研学等活动25期,参与儿童900余人次。",
      "25期=children.activities;900余人次=children.services" },
    { "全区建成托育机构18家,提供托位1260个。",
      "18家=children.centres;1260个=-" },
    { "学校课后服务覆盖全区中小学生3.2万人,参与率达95%。",
      "3.2万人=children.served;95%=-" },
    { "全市普惠性幼儿园覆盖率达到91%。", "91%=-" },
    { "为120名农村留守儿童送去“微心愿”礼物。", "120名=children.served" },
    /* a place and its residents; an audience takes part; 为老 inside
     * 为老旧小区 is no service for the old */
    { "街道辖区面积12.6平方公里,下辖8个社区、3个行政村,常住人口9.8万人。",
      "8个=general.communities;3个=general.communities;9.8万人=general.population" },
    { "今年新建和改造口袋公园8个、健身场地15处,新增停车位1200个。",
      "8个=general.facilities;15处=general.facilities;1200个=general.facilities" },
    { "为老旧小区加装电梯42部,惠及居民1300余户。", "1300余户=-" },
    { "全镇12个行政村全部建成村级综合服务中心。", "12个=general.communities" },
    { "开展“我为群众办实事”实践活动,为群众办实事1260件。",
      "1260件=governance.issues" },
    { "组织文艺演出进社区18场,观众达5000余人次。",
      "18场=-;5000余人次=general.served" },
    /* health as other places report it; first aid is health education */
    { "全县建成标准化村卫生室186个,实现村级医疗服务全覆盖。",
      "186个=health.stations" },
    { "组建家庭医生团队42支,签约服务居民8.6万人,签约率达45%。",
      "42支=governance.teams;8.6万人=health.fd_signed;45%=health.fd_rate" },
    { "开展“健康义诊进社区”活动36场,免费测量血压血糖4200余人次,发放健康手册3000余册。",
      "36场=health.clinics;4200余人次=health.patients;3000余册=health.materials" },
    { "邀请三甲医院专家12名坐诊。", "12名=health.medics" },
    { "为辖区居民开展心理健康咨询服务680人次。", "680人次=health.patients" },
    { "举办急救知识培训班15期。", "15期=health.lectures" },
    { "累计减免患者医疗费用36.8万元。", "36.8万元=health.funds" },
    /* posts that party members claim are no jobs */
    { "组织在职党员到社区报到,认领服务岗位860个。", "860个=-" },
    /* leaflets are health's only in a health story or named so */
    { "开展防电信诈骗宣传,发放宣传资料2000余份。", "2000余份=-" },
    { "禁毒宣传进社区,发放宣传单1500份。", "1500份=-" },
    { "为社区老人发放健康宣传资料300份。", "300份=health.materials" },
    /* those a service reached (为, 给 before the figure) are no population
     * or register, unless a verb says what they are (认定为, 划分为) */
    { "为86户特困老人家庭送去米面油等生活物资。", "86户=elderly.served" },
    { "为35名困境儿童发放生活补贴。", "35名=children.served" },
    { "经排查,认定为困境儿童的有35名。", "35名=children.in_need" },
    { "全街道划分为12个网格。", "12个=governance.grids" },
    { "为辖区128户居民更换老旧燃气管道。", "128户=-" },
    { "社区给16名留守儿童过了一个温馨的生日。", "16名=children.served" },
    /* a figure a day of older people served by a canteen counts diners a
     * day; at a day-care centre no daily row takes it */
    { "新建长者食堂6处,日均服务老人260余人次。", "6处=elderly.meal_points;260余人次=elderly.meals_daily" },
    { "老年助餐点投用后,每天服务老人90余名。", "90余名=elderly.meals_daily" },
    /* harder: lists, shares, standards, traditional script; a verb after
     * places says what was done there, not what is counted */
    { "依托新时代文明实践站,组织党员志愿者为独居老人代买药品、打扫卫生,累计服务860余人次。", "860余人次=elderly.services" },
    { "社区“长者饭堂”自开业以来,日均就餐老人约90人。", "约90人=elderly.meals_daily" },
    { "镇里投入资金120万元,改造提升敬老院2所。", "120万元=elderly.funds;2所=elderly.facilities" },
    { "全市65岁以上老年人免费体检率达到70.2%。", "70.2%=-" },
    { "开展“护苗”行动,走访慰问困境儿童45户,送去学习用品价值8000余元。", "45户=children.served;8000余元=children.funds" },
    { "全区共有0至14岁儿童5.3万人。", "5.3万人=children.population" },
    { "“四点半课堂”全年共辅导学生作业3200余人次。", "3200余人次=children.services" },
    { "组织暑期夏令营3期,吸引青少年180余名参加。", "3期=children.activities;180余名=children.served" },
    { "人社部门举办“就业援助月”专场招聘会8场,进场企业156家,提供就业岗位4300余个。",
      "8场=employment.fairs;156家=employment.employers;4300余个=employment.jobs" },
    { "开展直播带岗活动5场,线上浏览量达12万人次。", "5场=employment.fairs;12万人次=-" },
    { "为就业困难人员提供公益性岗位210个。", "210个=employment.jobs" },
    { "为返乡创业人员发放创业担保贷款1200万元。", "1200万元=employment.funds" },
    { "县人民医院派出医生12名,为村民测量血压、血糖600余人次。", "12名=health.medics;600余人次=health.patients" },
    { "邀请5家医疗机构参与义诊。", "5家=health.med_units" },
    { "全年开展心理健康讲座20余场。", "20余场=health.lectures" },
    { "建成村级卫生室健康服务站18个。", "18个=health.stations" },
    { "为群众减免医疗费用2.3万元。", "2.3万元=health.funds" },
    { "组织辖区136名在职党员认领微心愿98个。", "136名=governance.party_members;98个=governance.issues" },
    { "全年共受理群众诉求1580件,办结率98.6%。", "1580件=governance.issues;98.6%=-" },
    { "通过“板凳会”收集群众意见建议95条。", "95条=governance.opinions" },
    { "街道共成立志愿服务队37支,注册志愿者6200余人,全年开展志愿服务1100余次。",
      "37支=governance.teams;6200余人=governance.volunteers;1100余次=governance.volunteer_services" },
    { "社区有驻区共建单位18家,联合开展活动40余场。", "18家=governance.partners;40余场=-" },
    { "全县共有城乡社区186个。", "186个=general.communities" },
    { "辖区常住人口2.4万人,其中60岁以上老年人4800人。", "2.4万人=general.population;4800人=elderly.population" },
    { "新建便民服务点12个,新增停车位300个。", "12个=general.facilities;300个=general.facilities" },
    { "活动共吸引500余名居民参与。", "500余名=general.served" },
    { "计划明年再建设助餐点10个。", "10个=elderly.meal_points" },
    { "其中80岁以上高龄老人1200人。", "1200人=elderly.vulnerable" },
    { "开展法律咨询服务,解答群众咨询300余人次。", "300余人次=general.served" },
    { "街道投入45万元为12个小区加装路灯。", "45万元=-;12个=-" },
    { "现场为200余名群众提供政策咨询。", "200余名=general.served" },
    { "老年食堂每份午餐12元,老年人只需支付8元。", "12元=elderly.standard;8元=elderly.standard" },
    { "今年已为全镇1.2万名老人购买意外伤害保险。", "1.2万名=elderly.served" },
    { "敬老院现有床位86张,入住老人62名。", "86张=elderly.beds;62名=elderly.served" },
    { "開展長者生日會12場,為300多名長者慶生。", "12場=elderly.activities;300多名=elderly.served" },
};

/* Take @p page (title line, then body) through the stages up to the
 * indicators, for an article about @p loc (NULL: no place found). */
static void run_page(const char *page, const loc_result *loc, text_doc *doc, figure_list *figs)
{
    strbuf why = STRBUF_INIT;
    loc_result none;
    memset(&none, 0, sizeof(none));
    assert_int_equal(text_read(doc, tr, page, strlen(page), &why), LS_OK);
    extract_figures(er, doc, figs);
    classify_figures(cr, doc, figs->v, figs->n, figs->ctx);
    ind_assign(ir, doc, loc ? loc : &none, figs->v, figs->n, figs->ctx);
    sb_release(&why);
}

/* "surface=id;..." for the figures of the body @p text, as the pipeline
 * decides, under a neutral title. */
static char *indicators_of(const char *text, const loc_result *loc)
{
    strbuf out = STRBUF_INIT;
    char *page = xstrfmt("工作动态\n%s", text);
    text_doc doc;
    figure_list figs = { 0 };
    run_page(page, loc, &doc, &figs);
    for (size_t i = 0; i < figs.n; i++)
        sb_addf(&out, "%s%s=%s", i ? ";" : "", figs.v[i].surface,
                figs.v[i].ind ? ind_get(ir, (size_t)figs.v[i].ind - 1)->id : "-");
    figure_list_release(&figs);
    text_release(&doc);
    free(page);
    if (!out.len)
        sb_addstr(&out, "");
    return sb_detach(&out, NULL);
}

static void test_phrases(void **state)
{
    size_t bad = 0, n = sizeof(cases) / sizeof(*cases);
    (void)state;
    assert_true(n >= 150);
    for (size_t i = 0; i < n; i++) {
        char *got = indicators_of(cases[i].text, NULL);
        if (strcmp(got, cases[i].expect)) {
            print_message("%s\n    want %s\n    got  %s\n", cases[i].text, cases[i].expect, got);
            bad++;
        }
        free(got);
    }
    if (bad)
        fail_msg("%zu of %zu phrases with the wrong indicator", bad, n);
}

/* A scope word names the nearest division of the locality's path with its
 * ending: the locality itself keeps the figure, a wider place does not. */
static void test_scope(void **state)
{
    static const struct {
        const char *path, *text, *expect;
    } scope[] = {
        { "江西省 赣州市 瑞金市", "全市建成长者食堂24个。", "24个=elderly.meal_points" },
        { "江西省 赣州市 章贡区 解放街道", "全区建成长者食堂24个。", "24个=-" },
        { "江西省 赣州市 章贡区 解放街道", "街道建成长者食堂6个。", "6个=elderly.meal_points" },
        { "江西省 赣州市 章贡区", "全国已建成助餐点7万个。", "7万个=-" },
        { "江西省 赣州市 章贡区", "我市共有志愿者32万名。", "32万名=-" },
        /* the words are the resolver's (places.tsv self rows) */
        { "江西省 赣州市 章贡区", "本市建成长者食堂300个。", "300个=-" },
        /* a community's name ends in 社区, not in 区: 全区 is the district */
        { "江西省 赣州市 章贡区 解放街道 和平社区", "全区建成长者食堂24个。", "24个=-" },
        { "江西省 赣州市 章贡区 解放街道 和平社区", "全社区建成长者食堂2个。",
          "2个=elderly.meal_points" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(scope) / sizeof(*scope); i++) {
        loc_result loc;
        char *got;
        memset(&loc, 0, sizeof(loc));
        loc.found = 1;
        loc.path = (char *)scope[i].path;
        got = indicators_of(scope[i].text, &loc);
        assert_string_equal(got, scope[i].expect);
        free(got);
    }
}

/* A title that restates a body figure in rounder words is the same fact. */
static void test_title_restates(void **state)
{
    text_doc doc;
    figure_list figs = { 0 };
    (void)state;
    run_page("全县建成老年助餐点60余个\n截至目前,全县已建成老年助餐点63个。", NULL, &doc, &figs);
    assert_int_equal(figs.n, 2);
    assert_int_equal(figs.v[0].ind, 0);
    assert_string_equal(ind_get(ir, (size_t)figs.v[1].ind - 1)->id, "elderly.meal_points");
    figure_list_release(&figs);
    text_release(&doc);
}

/* The catalogue as the comparison reads it: kinds, units, classes. */
static void test_catalogue(void **state)
{
    int i;
    (void)state;
    assert_true(ind_count(ir) >= 58);
    i = ind_find(ir, "elderly.standard");
    assert_true(i >= 0);
    assert_int_equal(ind_get(ir, (size_t)i)->kind, KIND_STANDARD);
    assert_int_equal(ind_get(ir, (size_t)ind_find(ir, "elderly.meals_daily"))->kind, KIND_DAILY);
    assert_int_equal(ind_get(ir, (size_t)ind_find(ir, "general.population"))->cat, CAT_OTHER);
    assert_int_equal(ind_find(ir, "elderly.nothing"), -1);
    assert_string_equal(ind_class_name(ir, (size_t)ind_class_of(ir, "名")), "人");
    assert_string_equal(ind_class_name(ir, (size_t)ind_class_of(ir, "场次")), "次");
    assert_string_equal(ind_class_name(ir, (size_t)ind_class_of(ir, "家")), "个");
    assert_int_equal(ind_class_of(ir, "元"), -1);
    assert_string_equal(ind_kind_id(KIND_SIZE), "size");
}

/* A bad line names its file and line, and nothing leaks. */
static void test_bad_templates(void **state)
{
    static const struct {
        const char *file, *content;
    } bad[] = {
        { "indicators.tsv", "elderly.x\t标签\tsometimes\t人\n" },
        { "indicators.tsv", "nogroup\t标签\ttotal\t人\n" },
        { "indicators.tsv", "elderly.x\t甲\ttotal\t人\nelderly.x\t乙\ttotal\t人\n" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char *dir = write_template(bad[i].file, bad[i].content);
        ind_rules *r = (ind_rules *)1;
        assert_int_equal(ind_rules_load(&r, dir), LS_ERR_TEMPLATE);
        assert_null(r);
        remove_template(dir, bad[i].file);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phrases),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_title_restates),
        cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_bad_templates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
