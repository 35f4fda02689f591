import { Contact } from './entities/contact.entity.js';
import { ConversationTag } from './entities/conversation-tag.entity.js';
import { Conversation } from './entities/conversation.entity.js';
import { Message } from './entities/message.entity.js';
import { OfflineMessage } from './entities/offline-message.entity.js';
import { CreateChatTables1737100000000 } from './migrations/1737100000000-create-chat-tables.js';
import { AddChatAccounts1740100000000 } from './migrations/1740100000000-add-chat-accounts.js';

/** The demo's own live-chat entities. */
export const chatEntities = [Conversation, Message, ConversationTag, Contact, OfflineMessage];

/** The demo's migrations, run after `webhookMigrations`. */
export const chatMigrations = [CreateChatTables1737100000000, AddChatAccounts1740100000000];
