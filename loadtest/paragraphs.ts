/**
 * Text the load generator speaks: paragraphs of the kind an assistant answers with, short and long, with
 * numbers, dates, money, abbreviations and lists so that the text front end does its real work too.
 */
export const PARAGRAPHS: readonly string[] = [
  'Sure! The quickest way to get there is the number 12 bus from Main Street. It leaves every 15 minutes, and the ride takes about half an hour.',
  "I checked your account, and your last payment of $48.50 went through on March 3rd. Your next bill is due on April 1st, so you're all set for now.",
  'Here is a simple recipe for tonight. Preheat the oven to 400 degrees, toss the vegetables in olive oil with a pinch of salt, and roast them for 25 minutes. Serve them with rice or a green salad.',
  "That's a great question. Photosynthesis is how plants turn sunlight, water and carbon dioxide into sugar and oxygen. It happens mostly in the leaves, inside tiny structures called chloroplasts.",
  'Your flight, UA 482, departs at 7:45 a.m. from gate B 14. Boarding starts 40 minutes before departure, so please be at the gate by 7:05.',
  "I'm sorry to hear the package hasn't arrived yet. According to the carrier, it left the warehouse on Monday and should be delivered within two business days. If it doesn't show up by Thursday, I can send a replacement at no cost.",
  'To reset your password, open the app, tap Settings, then Account, and choose Reset Password. You will get an email with a link that stays valid for 24 hours.',
  'The meeting with Dr. Patel is confirmed for Tuesday at 3 p.m. in room 210. I added it to your calendar and set a reminder for 15 minutes before it starts.',
  'Here are three things to keep in mind. First, drink plenty of water. Second, take short breaks every hour. Third, try to get at least seven hours of sleep each night.',
  'The current temperature in Chicago is 68 degrees with light winds from the west. Expect scattered showers this afternoon, clearing by evening, with a low of 54.',
  'Yes, you can return the jacket within 30 days of purchase. Just bring it to any of our stores with the receipt, or print a free shipping label from your order page and drop it off at the post office.',
  'The Great Wall of China stretches for more than 13,000 miles. Most of what stands today was built during the Ming dynasty, between the 14th and 17th centuries, to protect the northern borders.',
  'Your subscription renews on the 15th of every month for $9.99. If you switch to the yearly plan, you pay $99 once and save about 17 percent.',
  'Let me walk you through it. Unplug the router, wait about 30 seconds, and plug it back in. When the light turns solid green, try connecting again. If it still fails, I can book a technician visit.',
  'Good morning! You have four meetings today, the first one at 9:30. The weather looks sunny, with a high of 75, and traffic on your usual route is light.',
  'Honestly, it depends on what you need. If you mostly browse the web and write documents, the smaller model is plenty. If you edit video or play games, the larger one with 32 GB of memory is worth the extra $200.',
];
