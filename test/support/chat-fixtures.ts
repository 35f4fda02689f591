/** A host's conversation as chat code emits it; shared by the mapper specs and the delivery e2e test. */
export const hostConversation = {
  id: 17,
  visitorName: 'Ada Lovelace',
  visitorEmail: 'ada@example.com',
  visitorPhone: null,
  visitorIp: '198.51.100.4',
  currentUrl: 'https://shop.example.com/',
  status: 'open',
  createdAt: new Date('2025-01-15T10:30:00.000Z'),
};
